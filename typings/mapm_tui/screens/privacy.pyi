from screens.privacy import *
