"""mapm-tui: chair a multi-agency professionals' meeting in the terminal and write its minutes.

The core (models, store, rules, dates, bundle, minutes, agenda) imports no Textual; the app shell
(`app.py`) and the screens (`mapm_tui.screens`, from the `screens/` folder) sit on top of it.
"""

__version__ = "0.1.0"
