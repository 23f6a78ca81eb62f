from screens.meeting import *
