"""The X11 calls Qt has none for, through ctypes: the bar's reserved strip, and the one
loader of the X libraries (:mod:`kiosk.shell.idle` reads the display's idle time with it).

``_NET_WM_STRUT_PARTIAL`` on the shell's window tells the window manager that the top
``height`` pixels of the screen are the bar's: a maximised program takes the rest of the
screen. Set through libxcb (loaded by Qt's xcb platform already) on a connection of its own.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Mapping, Sequence
from typing import Any

log = logging.getLogger(__name__)

Signatures = Mapping[str, tuple[Any, Sequence[Any]]]
"""A C library's functions called from Python: name to (result type, argument types); a
result type None is ``void``."""


def load_library(name: str, functions: Signatures, fallback: str | None = None) -> Any:
    """The C library ``name`` (``"X11"``: libX11, as ``ctypes.util.find_library`` names
    it, else the file ``fallback``) with the types of ``functions`` declared; None when it
    is not installed. ctypes would guess the types, wrongly for pointers on 64 bits."""
    path = ctypes.util.find_library(name) or fallback
    if path is None:
        return None
    library = ctypes.CDLL(path)
    for function, (result, arguments) in functions.items():
        call = getattr(library, function)
        call.restype = result
        call.argtypes = list(arguments)
    return library


_CARDINAL = 6
_PROP_MODE_REPLACE = 0


class _Cookie(ctypes.Structure):
    _fields_ = [("sequence", ctypes.c_uint)]


class _ReplyHeader(ctypes.Structure):
    """``xcb_generic_reply_t``: what every reply from the X server starts with."""

    _fields_ = [
        ("response_type", ctypes.c_uint8),
        ("pad0", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
        ("length", ctypes.c_uint32),
    ]


class _AtomReply(ctypes.Structure):
    """``xcb_intern_atom_reply_t``: the atom named in an ``xcb_intern_atom`` request."""

    _fields_ = [("header", _ReplyHeader), ("atom", ctypes.c_uint32)]


_XCB_CALLS: Signatures = {
    "xcb_connect": (ctypes.c_void_p, [ctypes.c_char_p, ctypes.c_void_p]),
    "xcb_connection_has_error": (ctypes.c_int, [ctypes.c_void_p]),
    "xcb_intern_atom": (
        _Cookie,
        [ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint16, ctypes.c_char_p],
    ),
    "xcb_intern_atom_reply": (
        ctypes.POINTER(_AtomReply),
        [ctypes.c_void_p, _Cookie, ctypes.c_void_p],
    ),
    # connection, mode, window, property, type, format, length, data
    "xcb_change_property": (
        _Cookie,
        [
            ctypes.c_void_p,
            ctypes.c_uint8,
            ctypes.c_uint32,
            ctypes.c_uint32,
            ctypes.c_uint32,
            ctypes.c_uint8,
            ctypes.c_uint32,
            ctypes.c_void_p,
        ],
    ),
    "xcb_flush": (ctypes.c_int, [ctypes.c_void_p]),
}
_LIBC_CALLS: Signatures = {"free": (None, [ctypes.c_void_p])}


class _Xcb:
    """One connection to the display of ``DISPLAY``."""

    def __init__(self) -> None:
        lib = self.lib = load_library("xcb", _XCB_CALLS, fallback="libxcb.so.1")
        self.libc = load_library("c", _LIBC_CALLS, fallback="libc.so.6")
        self.conn = lib.xcb_connect(None, None)
        if not self.conn or lib.xcb_connection_has_error(self.conn):
            raise OSError("no connection to the X display")
        self._atoms: dict[str, int] = {}

    def atom(self, name: str) -> int:
        if name not in self._atoms:
            raw = name.encode()
            cookie = self.lib.xcb_intern_atom(self.conn, 0, len(raw), raw)
            reply = self.lib.xcb_intern_atom_reply(self.conn, cookie, None)
            if not reply:
                raise OSError(f"no atom {name}")
            self._atoms[name] = int(reply.contents.atom)
            self.libc.free(ctypes.cast(reply, ctypes.c_void_p))
        return self._atoms[name]

    def set_cardinals(self, window: int, name: str, values: list[int]) -> None:
        data = (ctypes.c_uint32 * len(values))(*values)
        self.lib.xcb_change_property(
            self.conn,
            _PROP_MODE_REPLACE,
            window,
            self.atom(name),
            _CARDINAL,
            32,
            len(values),
            ctypes.cast(data, ctypes.c_void_p),
        )
        self.lib.xcb_flush(self.conn)


_connection: _Xcb | None = None


def reserve_top(window: int, height: int, x: int, width: int) -> bool:
    """Reserve the top ``height`` pixels from ``x`` to ``x + width`` for ``window`` (an X
    window id); False when it could not (no X display)."""
    global _connection  # noqa: PLW0603 - one connection for the shell's life
    try:
        if _connection is None:
            _connection = _Xcb()
        strut = [0, 0, height, 0]
        _connection.set_cardinals(window, "_NET_WM_STRUT", strut)
        partial = [*strut, 0, 0, 0, 0, x, x + width - 1, 0, 0]
        _connection.set_cardinals(window, "_NET_WM_STRUT_PARTIAL", partial)
    except OSError as exc:
        log.warning("could not reserve the bar's strip: %s", exc)
        return False
    return True
