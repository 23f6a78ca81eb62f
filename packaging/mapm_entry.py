"""The entry point of the one-file program: the same `mapm` command a pip install gives."""

import sys

from mapm_tui.cli import main

if __name__ == "__main__":
    sys.exit(main())
