"""Windows: save everything when the console window is closed, the user logs off or Windows shuts down.

On Windows a console close is not a signal Python can act on: the C runtime only sets a flag for it and
Windows then ends the process (CPython's developers say so on python/cpython#96289), so a SIGBREAK
handler never runs. What does run is a console control handler registered with `SetConsoleCtrlHandler`:
Windows calls it on a thread of its own and ends the process when it returns, or after about five
seconds for a close (twenty for a log-off or shutdown). So the handler saves synchronously, there and
then, and returns TRUE.

The logic (`make_handler`) is plain Python, tested on every system; `install` is the few lines of
ctypes that only Windows runs, tested on Linux with a stand-in for kernel32 (`kernel32=`).
No Textual here: the launcher passes in the function that saves.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable
from typing import Any

CTRL_C_EVENT = 0
CTRL_BREAK_EVENT = 1
CTRL_CLOSE_EVENT = 2
CTRL_LOGOFF_EVENT = 5
CTRL_SHUTDOWN_EVENT = 6

#: the events after which Windows ends the process whatever the handler returns
ENDING_EVENTS = frozenset({CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT})

#: callbacks handed to Windows: they must outlive `install`, or Windows would call freed memory
_installed: list[Any] = []


def make_handler(save: Callable[[], None]) -> Callable[[int], bool]:
    """The handler's logic: on a close, log-off or shutdown, run `save` once and say the event was handled.

    Ctrl+C and Ctrl+Break return False so that the next handler (Python's own) deals with them. A second
    ending event while the first is saving waits for that save instead of starting another. Nothing can be
    shown once the console is gone, so an error in `save` is swallowed here (the launcher's `save` already
    falls back to a direct flush).
    """
    lock = threading.Lock()
    done = threading.Event()

    def handle(event: int) -> bool:
        if event not in ENDING_EVENTS:
            return False
        with lock:
            if not done.is_set():
                try:
                    save()
                except Exception:  # the process is about to end and has no console to say so on
                    pass
                finally:
                    done.set()
        return True

    return handle


def install(save: Callable[[], None], *, kernel32: Any = None) -> Callable[[int], int] | None:
    """Register `save` to run on a console close, log-off or shutdown. Does nothing off Windows.

    Returns the callback registered with Windows (tests call it as Windows would), or None.
    """
    if kernel32 is None:
        if os.name != "nt":
            return None
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    factory = getattr(ctypes, "WINFUNCTYPE", ctypes.CFUNCTYPE)  # stdcall on Windows
    handler_routine = factory(ctypes.c_int, ctypes.c_ulong)  # BOOL WINAPI HandlerRoutine(DWORD)
    handle = make_handler(save)
    callback = handler_routine(lambda event: 1 if handle(int(event)) else 0)
    if not kernel32.SetConsoleCtrlHandler(callback, 1):
        return None  # no console (a service, a redirected run): nothing to close
    _installed.append(callback)
    return callback
