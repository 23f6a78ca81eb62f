from screens.app_contract import *
