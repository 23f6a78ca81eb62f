"""Fuzz (issue 17, "Done when"): a few hundred bundles mutated from the samples, seeded, through the real
`mapm import`. Each is either refused (exit 2, one line on stderr, the database byte-for-byte unchanged)
or imported and exported back equal to what was imported (after the cleaning import does: control
characters made spaces, CRLF made newlines).

The CLI runs in-process (`cli.main`) for speed; `test_bundle_hostile.py` keeps a real process.
"""

from __future__ import annotations

import copy
import json
import os
import random
from pathlib import Path

import pytest

from mapm_tui import cli
from mapm_tui.bundle import clean_bundle
from tests import keys
from tests.samples import load_sample, sample_names
from tests.test_bundle import _normalise, minimal

SEED = 17
CASES = int(os.environ.get("MAPM_FUZZ_CASES", "300"))
#: a fresh database every so many cases keeps each dump small
PER_DATABASE = 40


class Raw:
    """JSON text written as it is (NaN, a lone surrogate escape, a 5,000-digit number, deep nesting)."""

    def __init__(self, text: str):
        self.text = text


class Pairs(list):
    """An object written from (key, value) pairs: keys may repeat."""


def to_json(value) -> str:
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Pairs):
        return "{" + ", ".join(f"{json.dumps(k)}: {to_json(v)}" for k, v in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(to_json(v) for v in value) + "]"
    return json.dumps(value)


def _places(node, path=()):
    """Every (container, key) in the bundle, so a mutation can pick any of them."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield node, k
            yield from _places(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield node, i
            yield from _places(v, (*path, i))


WEIRD_TEXT = [
    "\u001b[2J\u001b]0;PWNED\u0007",
    "tab\there",
    "line\r\nbreak",
    "\u009b31m",
    "\x00nul",
    "\u202eevil",
    "emoji 🙂 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "é" * 299,
    "",
    " ",
    "x" * 301,
    "y" * 20_001,
]
WEIRD_VALUES = [None, True, 0, -1, 1.5, 2**62, "", [], {}, "2026-02-30", "25:61", ["drift"], {"a": 1}]
RAW_VALUES = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e400",
    "9" * 5000,
    str(2**63),
    str(-(2**63) - 1),
    '"\\ud800"',
    '"tail \\udfff"',
    '"\\udc00\\ud800"',
    '"ok \\ud83d\\ude00 pair"',  # a proper pair: one character, fine
    "[" * 70 + "]" * 70,
    "[" * 3000 + "]" * 3000,
    '"raw\u0007bell"',
]


def mutate(bundle: dict, rng: random.Random):
    """One or two random changes; returns something `to_json` can write."""
    out = copy.deepcopy(bundle)
    for _ in range(rng.choice((1, 1, 2))):
        places = list(_places(out))
        container, key = rng.choice(places)
        kind = rng.randrange(9)
        if kind == 0 and isinstance(container, dict):  # drop a key
            del container[key]
        elif kind == 1 and isinstance(container, dict):  # duplicate a key, with another value
            pairs = Pairs(container.items())
            pairs.insert(rng.randrange(len(pairs) + 1), (key, rng.choice(WEIRD_VALUES)))
            if container is out:
                out = pairs
                break
            _replace_container(out, container, pairs)
            break  # the container is now a Pairs: no further mutation inside it
        elif kind == 2:  # a wrong type or an odd value
            container[key] = rng.choice(WEIRD_VALUES)
        elif kind in (3, 4) and isinstance(container[key], str):  # odd text in a string
            value = container[key]
            cut = rng.randrange(len(value) + 1)
            container[key] = value[:cut] + rng.choice(WEIRD_TEXT) + value[cut:]
        elif kind == 5:  # what the JSON text alone can say
            container[key] = Raw(rng.choice(RAW_VALUES))
        elif kind == 6 and isinstance(container, dict):  # an unknown key
            container["unknown_" + str(rng.randrange(99))] = "x"
        elif kind == 7:  # a huge string
            container[key] = "z" * rng.choice((300, 20_000, 1_000_000))
        else:  # nothing, or a control character in a key
            if isinstance(container, dict) and not isinstance(container[key], Raw):
                container[key + "\u001b"] = container.pop(key)
    return out


def _replace_container(root, old, new) -> None:
    for container, key in _places(root):
        if container[key] is old:
            container[key] = new
            return


def _same(meeting: dict) -> dict:
    """What "exported back equal" compares: timestamps as instants (`_normalise`), and an empty list the
    same as none (export leaves out a list with nothing in it)."""
    return {k: v for k, v in _normalise(meeting).items() if v != []}


def dump(db: Path) -> str:
    return keys.dump(db)


def _bases() -> list[dict]:
    return [load_sample(name) for name in sample_names()] + [minimal()]


def test_mutated_bundles_are_refused_cleanly_or_round_trip(tmp_path, capsys):
    rng = random.Random(SEED)
    bases = _bases()
    outcomes = {"imported": 0, "refused": 0}
    db = None
    for n in range(CASES):
        if n % PER_DATABASE == 0:
            db = tmp_path / f"fuzz-{n}.db"
            assert cli.main(["--db", str(db), "list", "--format", "json"]) == 0
            current = dump(db)
        base = copy.deepcopy(rng.choice(bases))
        base["meeting"]["id"] = f"fuzz-{n}"  # a new meeting each time, unless the mutation says otherwise
        mutated = mutate(base, rng)
        text = to_json(mutated)
        path = tmp_path / "case.json"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        capsys.readouterr()
        rc = cli.main(["--db", str(db), "import", str(path)])
        out, err = capsys.readouterr()
        where = f"case {n}: {text[:300]!r}"
        assert "Traceback" not in err, where
        if rc == 0:
            outcomes["imported"] += 1
            meeting_id = out.strip()
            argv = [
                "--db",
                str(db),
                "export",
                meeting_id,
                "--format",
                "json",
                "-o",
                str(tmp_path / "x.json"),
                "--force",
            ]
            assert cli.main(argv) == 0, where
            capsys.readouterr()
            exported = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
            expected = clean_bundle(json.loads(text), [])
            assert _same(exported["meeting"]) == _same(expected["meeting"]), where
            assert exported.get("extensions") == expected.get("extensions"), where
            current = dump(db)
        else:
            outcomes["refused"] += 1
            assert (rc, out) == (2, ""), where + "\n" + err
            lines = err.splitlines()
            assert len(lines) == 1 and lines[0].startswith("mapm: "), where + "\n" + err
            assert len(err) < 1000, where  # a refusal quotes at most ~80 characters of a value
            assert dump(db) == current, where
    # the fuzz exercised both paths, not just one
    assert outcomes["imported"] >= CASES // 10 and outcomes["refused"] >= CASES // 3, outcomes


@pytest.mark.parametrize("raw", RAW_VALUES)
def test_every_raw_value_is_refused_or_kept_in_extensions(tmp_path, capsys, raw):
    """Each odd JSON text once, where the schema allows anything (extensions): only the proper surrogate
    pair and shallow nesting may pass; the rest are refused, one line."""
    db = tmp_path / "raw.db"
    text = to_json(dict(minimal(), extensions=Pairs([("x", Raw(raw))])))
    path = tmp_path / "raw.json"
    path.write_text(text, encoding="utf-8")
    capsys.readouterr()
    rc = cli.main(["--db", str(db), "import", str(path)])
    out, err = capsys.readouterr()
    if raw.startswith('"ok') or raw.startswith("[" * 70):
        assert rc == (0 if raw.startswith('"ok') else 2), err
    else:
        assert rc == 2 and len(err.splitlines()) == 1, err


def test_the_real_command_agrees_with_the_in_process_one(tmp_path, capsys):
    """The fuzz runs `cli.main` in-process; the same mutated bundles through a real `mapm` process give
    the same exit code and the same line on stderr (no difference hidden by running in-process)."""
    import subprocess
    import sys

    rng = random.Random(SEED)
    bases = _bases()
    seen: list[int] = []
    for n in range(12):
        if seen.count(0) >= 1 and seen.count(2) >= 2:  # enough: both outcomes, through both ways
            break
        base = copy.deepcopy(rng.choice(bases))
        base["meeting"]["id"] = f"real-{n}"
        path = tmp_path / f"case-{n}.json"
        path.write_text(to_json(mutate(base, rng)), encoding="utf-8", errors="surrogatepass")
        capsys.readouterr()
        rc = cli.main(["--db", str(tmp_path / "in.db"), "import", str(path)])
        out, err = capsys.readouterr()
        real = subprocess.run(
            [sys.executable, "-m", "mapm_tui.cli", "--db", str(tmp_path / "real.db"), "import", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert (real.returncode, real.stdout, real.stderr) == (rc, out, err), path.read_text()[:300]
        seen.append(rc)
    assert 0 in seen and 2 in seen, seen
