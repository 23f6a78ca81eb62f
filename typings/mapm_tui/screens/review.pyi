from screens.review import *
