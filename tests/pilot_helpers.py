"""Helpers for Pilot tests: set long text directly (pilot.press costs ~60 ms a key) and press only the
keys whose behaviour a test is about."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.widgets import Input, Select, TextArea

#: how long `wait_until` waits before it calls the app stuck: never reached by a working app, however
#: loaded the machine (it is not a time the test asserts)
STUCK_AFTER = 60.0


def on_show(app, selector: str, expect_type=None):
    """The widget `selector` picks on the screen on show. On the meeting screen the step's body on show is
    searched first: the bodies of the other steps are kept, hidden, with the same ids (two entries steps
    both have a #capture line)."""
    screen = app.screen
    body = getattr(screen, "body", None)
    if body is not None and body.query(selector):
        return body.query_one(selector, expect_type)
    return screen.query_one(selector, expect_type)


async def fill(pilot, selector: str, text: str, *, submit: bool = False) -> None:
    """Put `text` in a field as if typed (Changed events fire), optionally pressing Enter."""
    widget = on_show(pilot.app, selector)
    widget.focus()
    await pilot.pause()
    if isinstance(widget, TextArea):
        widget.select_all()
        widget.replace(text, *widget.selection)
    elif isinstance(widget, Input):
        widget.value = text
        widget.cursor_position = len(text)
    else:  # pragma: no cover - a test asked for something that takes no text
        raise TypeError(f"{selector} is a {type(widget).__name__}")
    await pilot.pause()
    if submit:
        await pilot.press("enter")
        await pilot.pause()


async def choose(pilot, selector: str, value) -> None:
    """Pick a value in a Select by keys: focus it, open it, move to the option, Enter."""
    select = on_show(pilot.app, selector, Select)
    select.focus()
    await pilot.pause()
    values = [v for _label, v in select._options]
    target = values.index(value)
    current = values.index(select.value) if select.value in values else 0
    await pilot.press("enter")
    await pilot.pause()
    keys = ["down"] * (target - current) if target >= current else ["up"] * (current - target)
    if keys:
        await pilot.press(*keys)
    await pilot.press("enter")
    await pilot.pause()
    assert select.value == value, f"{selector}: wanted {value!r}, got {select.value!r}"


def screen_name(pilot) -> str:
    """The name of what is on show: the screen's, or on the meeting screen the step's (its body's kind)."""
    screen = pilot.app.screen
    body = getattr(screen, "body", None)
    return type(body if body is not None else screen).__name__


async def wait_until(pilot, condition: Callable[[], object], what: str = "the app to get there") -> None:
    """Wait until `condition()` holds, for what the app does in its own time (a worker, a thread opening
    the store): each round lets the app handle its pending messages, then yields to its threads. Fails
    only if the app is stuck (STUCK_AFTER)."""
    deadline = time.monotonic() + STUCK_AFTER
    while True:
        await pilot.pause()
        if condition():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {STUCK_AFTER:.0f} s for {what}")
        await asyncio.sleep(0.01)


def step_on_show(app) -> bool:
    """Whether the screen on show is settled as a chair would see it: on the meeting screen, the step's
    body is built, shown, holds the focus, and its text areas are wrapped (it is built in
    the app's own time, after the step is chosen; a text area wraps when it handles its first Resize, after
    it has its size: a snapshot taken in between showed each text on one line, cut at the edge); any other
    screen is settled at once."""
    body = getattr(app.screen, "body", None)
    if not hasattr(app.screen, "body"):
        return True
    if body is None or not body.is_mounted or not body.display:
        return False
    focused = app.screen.focused
    if focused is not None and body not in focused.ancestors_with_self:
        return False
    # (Textual keeps the width a text area's document is wrapped at in `_width`, no public name for it: 0
    # until the area has handled a Resize; not always its final wrap_width, which a scrollbar shown after
    # wrapping makes narrower without a Resize. An area not on show, a question the form hides, has no size.)
    return all(area.wrapped_document._width > 0 for area in body.query(TextArea) if area.soft_wrap and area.size)


def meetings_listed(app) -> bool:
    """Whether the home screen shows the meetings list read from the store: it is read in a thread after
    the screen's first frame, so a fixed number of pauses is not always enough on a loaded machine."""
    screen = app.screen
    return type(screen).__name__ == "HomeScreen" and app.store is not None and bool(getattr(screen, "meetings", None))


async def searched(pilot) -> None:
    """Wait for the search typed to finish (it runs in a worker) and its results to be shown."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
