from screens.home import *
