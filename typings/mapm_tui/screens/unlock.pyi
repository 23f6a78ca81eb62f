from screens.unlock import *
