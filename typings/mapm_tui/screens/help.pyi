from screens.help import *
