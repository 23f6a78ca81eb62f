# mypy's view of `mapm_tui.screens`, the installed name of the screens/ folder (setuptools' package-dir).
#
# mypy finds modules by their folders and cannot follow that mapping: it checks the screens from their folder,
# as `screens.*`, and the app's imports of `mapm_tui.screens.X` reach them through the stub `X.pyi` here, one
# line each, `from screens.X import *`. pyproject.toml's [tool.mypy] puts this folder on mypy_path, and makes a
# missing stub an error (a screen module the app imports and mypy cannot find), not a silent `Any`.
