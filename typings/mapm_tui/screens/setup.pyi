from screens.setup import *
