"""Start-up of the program built without Python (packaging/build_binary.py) against the venv's `mapm`.

    python bench/binary_start.py DIST_ONEFILE/mapm [DIST_ONEDIR/mapm/mapm] [--runs 5]

Each program opens `mapm demo` in a pseudo-terminal; the time is until the list of meetings is painted
(the same marker as `run.py`'s home_listed), median of the runs, interleaved so that load on a shared
machine falls on all of them alike. Prints one JSON line: the medians and each program's ratio to the venv.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import ptyrun  # noqa: E402
from run import LISTED  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("programs", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    venv_mapm = Path(sys.executable).with_name("mapm")
    commands = {"venv": [str(venv_mapm), "demo"]}
    for program in args.programs:
        commands["onedir" if program.parent.name == "mapm" else "onefile"] = [str(program.resolve()), "demo"]
    times: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, MAPM_HOME=home)
        for _ in range(args.runs):
            for name, cmd in commands.items():
                result = ptyrun.run_until(cmd, [LISTED], env=env, timeout=120)
                if result["missing"]:
                    raise SystemExit(f"{name}: the list of meetings never appeared")
                times[name].append(result["times"][LISTED.decode()])
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    report = {f"{name}_ms": round(ms, 1) for name, ms in medians.items()}
    report |= {f"{name}_ratio": round(ms / medians["venv"], 2) for name, ms in medians.items() if name != "venv"}
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
