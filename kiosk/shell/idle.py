"""Input anywhere in the visitor's graphical session, not only in the shell's own windows.

A visitor spends the session in the browser or an office program; the shell's windows see
none of that input. On X11 the MIT-SCREEN-SAVER extension tells how long the whole display
has gone without input, so the shell polls it and reports activity: a visitor busy in the
browser is never taken for idle. Wayland has no common interface for this (the compositor
must provide it); there, only input to the shell's own windows counts.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer

from kiosk.shell.x11 import Signatures, load_library

POLL_MILLISECONDS = 2000
"""How often the display's idle time is read."""

RECENT_SECONDS = POLL_MILLISECONDS / 1000 + 0.5
"""Input this recent counts as activity at a poll (a little over one poll interval)."""


class IdleSource(Protocol):
    """How long the visitor's whole session has gone without input."""

    def idle_seconds(self) -> float | None:
        """Seconds since the last input anywhere, or None when it cannot be told."""
        ...


class _ScreenSaverInfo(ctypes.Structure):
    """``XScreenSaverInfo`` (X11/extensions/scrnsaver.h); ``idle`` is in milliseconds."""

    _fields_ = (
        ("window", ctypes.c_ulong),
        ("state", ctypes.c_int),
        ("kind", ctypes.c_int),
        ("til_or_since", ctypes.c_ulong),
        ("idle", ctypes.c_ulong),
        ("event_mask", ctypes.c_ulong),
    )


_X11_CALLS: Signatures = {
    "XOpenDisplay": (ctypes.c_void_p, [ctypes.c_char_p]),
    "XDefaultRootWindow": (ctypes.c_ulong, [ctypes.c_void_p]),
    "XCloseDisplay": (ctypes.c_int, [ctypes.c_void_p]),
    "XFree": (ctypes.c_int, [ctypes.c_void_p]),
}
_XSS_CALLS: Signatures = {
    "XScreenSaverQueryExtension": (
        ctypes.c_int,
        [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int)],
    ),
    "XScreenSaverAllocInfo": (ctypes.c_void_p, []),
    "XScreenSaverQueryInfo": (
        ctypes.c_int,
        [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(_ScreenSaverInfo)],
    ),
}


class X11IdleSource:
    """The X display's idle time, read with libXss (MIT-SCREEN-SAVER) through ctypes."""

    def __init__(self, x11: Any, xss: Any, display: int) -> None:
        self._x11 = x11
        self._xss = xss
        self._display = display
        self._root = x11.XDefaultRootWindow(display)
        self._info = ctypes.cast(xss.XScreenSaverAllocInfo(), ctypes.POINTER(_ScreenSaverInfo))

    @classmethod
    def open(cls, display_name: str | None = None) -> X11IdleSource | None:
        """Connect to the X display (``$DISPLAY`` by default); None when there is no X
        display, no libXss, or no MIT-SCREEN-SAVER extension."""
        name = display_name or os.environ.get("DISPLAY")
        if not name:
            return None
        x11 = load_library("X11", _X11_CALLS)
        xss = load_library("Xss", _XSS_CALLS)
        if x11 is None or xss is None:
            return None
        display = x11.XOpenDisplay(name.encode())
        if not display:
            return None
        event_base, error_base = ctypes.c_int(), ctypes.c_int()
        if not xss.XScreenSaverQueryExtension(
            display, ctypes.byref(event_base), ctypes.byref(error_base)
        ):
            x11.XCloseDisplay(display)
            return None
        return cls(x11, xss, display)

    def idle_seconds(self) -> float | None:
        """Seconds since the last key press or pointer move on the whole display."""
        if not self._xss.XScreenSaverQueryInfo(self._display, self._root, self._info):
            return None
        return float(self._info.contents.idle) / 1000.0

    def close(self) -> None:
        """Drop the connection to the X display."""
        if self._display:
            self._x11.XFree(self._info)
            self._x11.XCloseDisplay(self._display)
            self._display = 0


class SessionInputWatcher(QObject):
    """Polls an :class:`IdleSource` and reports recent input as the visitor's activity."""

    def __init__(
        self, source: IdleSource, report: Callable[[], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._report = report
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MILLISECONDS)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        """Begin polling."""
        self._timer.start()

    def poll(self) -> bool:
        """Read the idle time once; True when recent input was reported."""
        idle = self._source.idle_seconds()
        if idle is None or idle > RECENT_SECONDS:
            return False
        self._report()
        return True
