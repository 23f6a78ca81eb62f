from screens.commands import *
