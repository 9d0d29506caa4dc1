"""The few X11 window properties Qt has no call for: the bar's reserved strip.

``_NET_WM_STRUT_PARTIAL`` on the shell's window tells the window manager that the top
``height`` pixels of the screen are the bar's: a maximised program takes the rest of the
screen. Set through libxcb (loaded by Qt's xcb platform already) on a connection of its own.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

_CARDINAL = 6
_PROP_MODE_REPLACE = 0


class _Cookie(ctypes.Structure):
    _fields_ = [("sequence", ctypes.c_uint)]


class _AtomReply(ctypes.Structure):
    _fields_ = [
        ("response_type", ctypes.c_uint8),
        ("pad0", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
        ("length", ctypes.c_uint32),
        ("atom", ctypes.c_uint32),
    ]


class _Xcb:
    """One connection to the display of ``DISPLAY``."""

    def __init__(self) -> None:
        name = ctypes.util.find_library("xcb") or "libxcb.so.1"
        lib = self.lib = ctypes.CDLL(name)
        lib.xcb_connect.restype = ctypes.c_void_p
        lib.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
        lib.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
        lib.xcb_intern_atom.restype = _Cookie
        lib.xcb_intern_atom.argtypes = [ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint16]
        lib.xcb_intern_atom.argtypes += [ctypes.c_char_p]
        lib.xcb_intern_atom_reply.restype = ctypes.POINTER(_AtomReply)
        lib.xcb_intern_atom_reply.argtypes = [ctypes.c_void_p, _Cookie, ctypes.c_void_p]
        lib.xcb_change_property.restype = _Cookie
        lib.xcb_change_property.argtypes = [
            ctypes.c_void_p,
            ctypes.c_uint8,
            ctypes.c_uint32,
            ctypes.c_uint32,
            ctypes.c_uint32,
            ctypes.c_uint8,
            ctypes.c_uint32,
            ctypes.c_void_p,
        ]
        lib.xcb_flush.argtypes = [ctypes.c_void_p]
        self.libc = ctypes.CDLL(ctypes.util.find_library("c"))
        self.libc.free.argtypes = [ctypes.c_void_p]
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
