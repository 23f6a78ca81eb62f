"""Build `mapm` as one program that runs without Python (PyInstaller), for chairs who cannot install Python.

    python packaging/build_binary.py [--onedir] [--runtime-tmpdir DIR] [--dist FOLDER]

Run it on the system the program is for: on Linux it makes a Linux program, on Windows `mapm.exe`, on macOS
a macOS one (PyInstaller does not cross-compile). Signing is left to the partnership's IT.

How: the project is installed (not editable) into a scratch folder first, so the program holds exactly
what a wheel holds (the sample meetings inside `mapm_tui.sample_data`, the stylesheets, templates and
schema); the Alembic migrations go in as files too, since Alembic reads them from disk by path.
`--onefile` (the default) is one file that unpacks itself at every start; `--onedir` is a folder that
starts faster. Where /tmp is mounted noexec, a one-file program cannot run from there: build it with
`--runtime-tmpdir` pointing at a folder the user may run programs from (for example `%LOCALAPPDATA%\\mapm`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENTRY = Path(__file__).resolve().parent / "mapm_entry.py"
#: our own PyInstaller hooks (python-docx)
HOOKS = Path(__file__).resolve().parent / "hooks"

#: imported by name at run time, so PyInstaller's scan of the code cannot see them
HIDDEN = ("sqlalchemy.dialects.sqlite", "logging.config")
#: packages whose modules are loaded lazily by name (Textual's widgets, Rich's Unicode tables) or whole
COLLECT_SUBMODULES = ("mapm_tui", "textual", "rich", "alembic", "sqlmodel", "pygments.styles")
#: never used by the program, but reached by collecting whole packages (`alembic.testing` imports pytest,
#: which brings setuptools, pkg_resources and more): left out, the build analyses far fewer modules and
#: the program is smaller
EXCLUDE = ("alembic.testing", "sqlalchemy.testing", "pytest", "_pytest", "setuptools", "pkg_resources", "tkinter")
#: packages that need their data files (the JSON Schema metaschemas; tzdata on Windows)
COLLECT_DATA = ("mapm_tui", "textual", "jsonschema_specifications", "alembic")


def build(dist: Path, onedir: bool = False, runtime_tmpdir: str | None = None) -> Path:
    """Build and return the path of the program (`dist/mapm[.exe]`, or `dist/mapm/mapm[.exe]` with onedir)."""
    dist = dist.resolve()
    with tempfile.TemporaryDirectory(prefix="mapm-build-") as scratch_name:
        scratch = Path(scratch_name)
        site = scratch / "site"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--no-compile",
                "--target",
                str(site),
                str(REPO),
            ],
            check=True,
        )
        sep = os.pathsep
        cmd = [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level=WARN",
            "--name=mapm",
            "--onedir" if onedir else "--onefile",
            f"--distpath={dist}",
            f"--workpath={scratch / 'work'}",
            f"--specpath={scratch}",
            f"--paths={site}",
            f"--add-data={site / 'mapm_tui' / 'migrations'}{sep}mapm_tui/migrations",
            f"--add-data={site / 'mapm_tui' / 'sample_data'}{sep}mapm_tui/sample_data",
        ]
        cmd.append(f"--additional-hooks-dir={HOOKS}")
        cmd += [f"--hidden-import={name}" for name in HIDDEN]
        cmd += [f"--collect-submodules={name}" for name in COLLECT_SUBMODULES]
        cmd += [f"--collect-data={name}" for name in COLLECT_DATA]
        cmd += [f"--exclude-module={name}" for name in EXCLUDE]
        if sys.platform == "win32":
            cmd.append("--collect-data=tzdata")
        else:
            # symbols stripped from the shared libraries (libpython alone 23 MB -> a few): measured on Linux, the
            # program 62 -> 43 MB, its build 105 -> 74 s of CPU (with EXCLUDE), a start 1.2 -> 0.7 s of CPU
            # (less to unpack); PyInstaller advises against it on Windows
            cmd.append("--strip")
        if runtime_tmpdir:
            cmd.append(f"--runtime-tmpdir={runtime_tmpdir}")
        cmd.append(str(ENTRY))
        subprocess.run(cmd, check=True, cwd=scratch)
    exe = "mapm.exe" if sys.platform == "win32" else "mapm"
    return dist / "mapm" / exe if onedir else dist / exe


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--onedir", action="store_true", help="a folder that starts faster, instead of one file")
    parser.add_argument("--runtime-tmpdir", help="where a one-file program unpacks itself (when /tmp is noexec)")
    parser.add_argument("--dist", type=Path, default=REPO / "dist", help="where to put the program (default dist/)")
    args = parser.parse_args()
    if (
        shutil.which("pyinstaller") is None
        and subprocess.run([sys.executable, "-c", "import PyInstaller"], capture_output=True).returncode
    ):
        print("PyInstaller is not installed: pip install -e '.[build]'", file=sys.stderr)
        return 2
    program = build(args.dist, onedir=args.onedir, runtime_tmpdir=args.runtime_tmpdir)
    print(f"{program} ({program.stat().st_size / 1_048_576:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
