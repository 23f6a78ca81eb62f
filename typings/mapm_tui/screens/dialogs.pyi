from screens.dialogs import *
