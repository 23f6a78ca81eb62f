"""text.py: what is cleaned on the way in, and how what is left is shown on the way out (issue 17)."""

from __future__ import annotations

import json

from mapm_tui.text import clean, clean_line, for_terminal, json_for_terminal, quote, shorten_quoted

OBEYED = "\x1b\x07\x9b\x00\x7f"


def test_clean_replaces_c0_c1_and_del_but_keeps_tabs_newlines_and_letters():
    assert clean("a\x1b[2Jb\x07c\x9b1md\x7fe\r\nf\tg") == "a [2Jb c 1md e\nf\tg"
    assert clean_line("a\nb\tc") == "a b c"
    assert clean("Zoë Ünal, 日本, مرحبا 🙂") == "Zoë Ünal, 日本, مرحبا 🙂"


def test_for_terminal_shows_what_a_terminal_would_obey():
    shown = for_terminal("EH-\x1b]0;PWNED\x07-1 \x9b2J \u202eevil \ud800 ok\nnext")
    assert not any(c in shown for c in OBEYED + "\u202e\ud800")
    assert shown == "EH-\\x1b]0;PWNED\\x07-1 \\x9b2J \\u202eevil \\ud800 ok\nnext"
    assert for_terminal("a\nb", one_line=True) == "a\\x0ab"


def test_json_for_terminal_is_the_same_json():
    data = {"ref": "EH-\x1b[2J\x07 \x9b \x7f \u202e x", "n": 1}
    text = json_for_terminal(data)
    assert not any(c in text for c in OBEYED + "\u202e")
    assert json.loads(text) == data


def test_quote_cuts_long_values_and_says_how_long():
    assert quote("short") == "'short'"
    long = quote("x" * 1_000_000)
    assert len(long) < 120 and "1,000,000 characters" in long
    assert quote(123) == "'123'" and "\\x1b" in quote("\x1b")


def test_shorten_quoted_cuts_values_not_prose():
    prose = "The chair's reason is " + "long " * 40 + "and the family's copy was not made."
    assert shorten_quoted(prose) == prose
    cut = shorten_quoted("There is no meeting with id '" + "x" * 5000 + "'; `mapm list` shows the ids.")
    assert len(cut) < 200 and cut.endswith("'; `mapm list` shows the ids.")
