"""The X11 calls Qt has none for, through ctypes: the bar's reserved strip, programs kept
under it, and the one loader of the X libraries (:mod:`kiosk.shell.idle` reads the
display's idle time with it).

``_NET_WM_STRUT_PARTIAL`` on the shell's window tells the window manager that the top
``height`` pixels of the screen are the bar's: a maximised program takes the rest of the
screen (:func:`reserve_top`).

The strip does not hold against a program that asks for more. Openbox (3.6) stacks a
full-screen window over every other, the shell's "above" layer included, and gives it the
whole monitor, struts or not; it does the same for a frameless window the size of the
screen ("old-style" full screen), and a window that asks to be above the others shares
the shell's layer and goes over it when raised. No ``rc.xml`` setting refuses these
requests once a window is open (the per-application rules of ``kiosk/shell/wm.py`` hold
only when it opens), so :class:`ShellOnTop` watches the window manager's lists
(``_NET_CLIENT_LIST_STACKING`` and each window's ``_NET_WM_STATE``) and, as a pager may
(EWMH), asks it to undo them: a window that went full screen is maximised under the bar
instead, one that asked to stay above goes back among the others, a screen-sized frameless
one is put back in the work area under the bar and maximised, a dock over the bar is sent
below. The visitor's
program still gets the whole screen under the bar; the bar, its help button and the
warnings before the end stay in sight.

Both go through libxcb (loaded by Qt's xcb platform already), each on a connection of its own.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

log = logging.getLogger(__name__)

Signatures = Mapping[str, tuple[Any, Sequence[Any]]]
"""A C library's functions called from Python: name to (result type, argument types); a
result type None is ``void``."""


@functools.cache
def _library_path(name: str) -> str | None:
    # find_library runs /sbin/ldconfig as a child process: once per name, not per call.
    return ctypes.util.find_library(name)


def load_library(name: str, functions: Signatures, fallback: str | None = None) -> Any:
    """The C library ``name`` (``"X11"``: libX11, as ``ctypes.util.find_library`` names
    it, else the file ``fallback``; ``"c"``: the C library this process runs on) with the
    types of ``functions`` declared; None when it is not installed. ctypes would guess the
    types, wrongly for pointers on 64 bits."""
    if name == "c":
        library = ctypes.CDLL(None)  # dlopen(NULL): libc is loaded already
    else:
        path = _library_path(name) or fallback
        if path is None:
            return None
        library = ctypes.CDLL(path)
    for function, (result, arguments) in functions.items():
        call = getattr(library, function)
        call.restype = result
        call.argtypes = list(arguments)
    return library


_ATOM = 4
_CARDINAL = 6
_WINDOW = 33
_PROP_MODE_REPLACE = 0
_CW_EVENT_MASK = 1 << 11
_PROPERTY_CHANGE_MASK = 1 << 22
_SUBSTRUCTURE_NOTIFY_MASK = 1 << 19
_SUBSTRUCTURE_REDIRECT_MASK = 1 << 20
_PROPERTY_NOTIFY = 28
_CLIENT_MESSAGE = 33
_STATE_REMOVE, _STATE_ADD = 0, 1
_FROM_PAGER = 2
"""EWMH source indication: the request comes from a pager, not from the window's program."""
_NORTH_WEST_GRAVITY = 1
_XYWH_GIVEN = 0xF << 8
"""``_NET_MOVERESIZE_WINDOW``: x, y, width and height are all given."""

FULLSCREEN = "_NET_WM_STATE_FULLSCREEN"
ABOVE = "_NET_WM_STATE_ABOVE"
BELOW = "_NET_WM_STATE_BELOW"
MAXIMISED = ("_NET_WM_STATE_MAXIMIZED_VERT", "_NET_WM_STATE_MAXIMIZED_HORZ")
_STATES = (FULLSCREEN, ABOVE, BELOW, *MAXIMISED)
_DOCK = "_NET_WM_WINDOW_TYPE_DOCK"
STACKING_TRIES = 3
"""How many times in a row a window stacked over the bar without asking (old-style full
screen) is corrected before the shell gives up on it (and says so in its log)."""


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


class _PropertyReply(ctypes.Structure):
    """``xcb_get_property_reply_t`` (the header's second byte is the values' format: 8, 16
    or 32 bits)."""

    _fields_ = [
        ("header", _ReplyHeader),
        ("type", ctypes.c_uint32),
        ("bytes_after", ctypes.c_uint32),
        ("value_len", ctypes.c_uint32),
        ("pad", ctypes.c_uint8 * 12),
    ]


class _Event(ctypes.Structure):
    """The start of an X event as ``xcb_poll_for_event`` gives it: a PropertyNotify's
    window and atom follow its type and sequence number."""

    _fields_ = [
        ("response_type", ctypes.c_uint8),
        ("detail", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
        ("window", ctypes.c_uint32),
        ("atom", ctypes.c_uint32),
    ]


class _ClientMessage(_Event):
    """``xcb_client_message_event_t``: the detail byte is the data's format, the atom the
    message's type, then five 32-bit values."""

    _fields_ = [("data", ctypes.c_uint32 * 5)]


class _ScreenIterator(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("rem", ctypes.c_int), ("index", ctypes.c_int)]


_void_p, _u8, _u16, _u32 = ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint16, ctypes.c_uint32
_XCB_CALLS: Signatures = {
    "xcb_connect": (_void_p, [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]),
    "xcb_connection_has_error": (ctypes.c_int, [_void_p]),
    "xcb_disconnect": (None, [_void_p]),
    "xcb_flush": (ctypes.c_int, [_void_p]),
    "xcb_get_file_descriptor": (ctypes.c_int, [_void_p]),
    "xcb_get_setup": (_void_p, [_void_p]),
    "xcb_setup_roots_iterator": (_ScreenIterator, [_void_p]),
    "xcb_screen_next": (None, [ctypes.POINTER(_ScreenIterator)]),
    "xcb_intern_atom": (_Cookie, [_void_p, _u8, _u16, ctypes.c_char_p]),
    "xcb_intern_atom_reply": (ctypes.POINTER(_AtomReply), [_void_p, _Cookie, _void_p]),
    # connection, mode, window, property, type, format, length, data
    "xcb_change_property": (_Cookie, [_void_p, _u8, _u32, _u32, _u32, _u8, _u32, _void_p]),
    # connection, window, value mask, values
    "xcb_change_window_attributes": (_Cookie, [_void_p, _u32, _u32, _void_p]),
    # connection, delete, window, property, type, offset, length (in 32-bit units)
    "xcb_get_property": (_Cookie, [_void_p, _u8, _u32, _u32, _u32, _u32, _u32]),
    "xcb_get_property_reply": (ctypes.POINTER(_PropertyReply), [_void_p, _Cookie, _void_p]),
    "xcb_get_property_value": (_void_p, [_void_p]),
    "xcb_get_property_value_length": (ctypes.c_int, [_void_p]),
    # connection, propagate, destination, event mask, event
    "xcb_send_event": (_Cookie, [_void_p, _u8, _u32, _u32, _void_p]),
    "xcb_poll_for_event": (ctypes.POINTER(_Event), [_void_p]),
    "xcb_poll_for_queued_event": (ctypes.POINTER(_Event), [_void_p]),
}
_LIBC_CALLS: Signatures = {"free": (None, [ctypes.c_void_p])}


class _Xcb:
    """One connection to the display of ``DISPLAY``."""

    def __init__(self) -> None:
        lib = self.lib = load_library("xcb", _XCB_CALLS, fallback="libxcb.so.1")
        self.libc = load_library("c", _LIBC_CALLS, fallback="libc.so.6")
        screen = ctypes.c_int(0)
        self.conn = lib.xcb_connect(None, ctypes.byref(screen))
        if not self.conn or lib.xcb_connection_has_error(self.conn):
            raise OSError("no connection to the X display")
        roots = lib.xcb_setup_roots_iterator(lib.xcb_get_setup(self.conn))
        for _ in range(screen.value):
            lib.xcb_screen_next(ctypes.byref(roots))
        self.root = int(ctypes.cast(roots.data, ctypes.POINTER(ctypes.c_uint32))[0])
        self._atoms: dict[str, int] = {}

    @property
    def broken(self) -> bool:
        """Whether the connection is lost (the X server is gone)."""
        return bool(self.lib.xcb_connection_has_error(self.conn))

    def close(self) -> None:
        self.lib.xcb_disconnect(self.conn)

    def fileno(self) -> int:
        return int(self.lib.xcb_get_file_descriptor(self.conn))

    def flush(self) -> None:
        self.lib.xcb_flush(self.conn)

    def _free(self, pointer: ctypes._Pointer[Any] | ctypes.c_void_p) -> None:
        self.libc.free(ctypes.cast(pointer, ctypes.c_void_p))

    def atom(self, name: str) -> int:
        if name not in self._atoms:
            raw = name.encode()
            cookie = self.lib.xcb_intern_atom(self.conn, 0, len(raw), raw)
            reply = self.lib.xcb_intern_atom_reply(self.conn, cookie, None)
            if not reply:
                raise OSError(f"no atom {name}")
            self._atoms[name] = int(reply.contents.atom)
            self._free(reply)
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
        self.flush()

    def get_ids(self, window: int, name: str, kind: int) -> list[int]:
        """The 32-bit values (atoms, windows) of a property; [] when unset or the window is
        gone."""
        cookie = self.lib.xcb_get_property(self.conn, 0, window, self.atom(name), kind, 0, 4096)
        error = ctypes.c_void_p()
        reply = self.lib.xcb_get_property_reply(self.conn, cookie, ctypes.byref(error))
        if error.value:
            self._free(error)
        if not reply:
            return []
        try:
            if reply.contents.header.pad0 != 32:  # the format: 32-bit values
                return []
            count = self.lib.xcb_get_property_value_length(reply) // 4
            start = self.lib.xcb_get_property_value(reply)
            return list((ctypes.c_uint32 * count).from_address(start))
        finally:
            self._free(reply)

    def watch_properties(self, window: int) -> None:
        """Be told of every change to ``window``'s properties (the window manager's own
        selections on it are not touched: each client has its own)."""
        mask = ctypes.c_uint32(_PROPERTY_CHANGE_MASK)
        self.lib.xcb_change_window_attributes(self.conn, window, _CW_EVENT_MASK, ctypes.byref(mask))

    def ask_window_manager(self, window: int, message: str, data: Sequence[int]) -> None:
        """Send the EWMH client message ``message`` about ``window`` to the root window,
        where the window manager listens."""
        event = _ClientMessage(_CLIENT_MESSAGE, 32, 0, window, self.atom(message))
        event.data[: len(data)] = list(data)
        self.lib.xcb_send_event(
            self.conn,
            0,
            self.root,
            _SUBSTRUCTURE_NOTIFY_MASK | _SUBSTRUCTURE_REDIRECT_MASK,
            ctypes.byref(event),
        )

    def property_changes(self, queued_only: bool = False) -> list[tuple[int, int]]:
        """(window, atom) of each property change waiting; other events (errors about a
        window that has gone meanwhile) are dropped."""
        poll = self.lib.xcb_poll_for_queued_event if queued_only else self.lib.xcb_poll_for_event
        changes: list[tuple[int, int]] = []
        while event := poll(self.conn):
            if event.contents.response_type & 0x7F == _PROPERTY_NOTIFY:
                changes.append((int(event.contents.window), int(event.contents.atom)))
            self._free(event)
        return changes


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


class Why(Enum):
    """Why a program window is corrected: what it did (said in the shell's log)."""

    FULL_SCREEN = "asked for full screen"
    ABOVE = "asked to stay above the other windows"
    OVER_THE_BAR = "is stacked over the bar, unmaximised"
    DOCK = "is a dock over the bar"
    STALE_LAYER = "is stacked over the bar, maximised"


@dataclass(frozen=True)
class StateChange:
    """One ``_NET_WM_STATE`` request: add or remove one or two states."""

    add: bool
    names: tuple[str, ...]


@dataclass(frozen=True)
class Place:
    """One ``_NET_MOVERESIZE_WINDOW`` request: the frame's top-left corner and the window's
    size (the window manager keeps a window of a fixed size to its size)."""

    x: int
    y: int
    width: int
    height: int


def _add(*names: str) -> StateChange:
    return StateChange(True, names)


def _remove(*names: str) -> StateChange:
    return StateChange(False, names)


# Openbox 3.6 stacks a window again when it becomes, or stops being, screen-sized and
# frameless ("old-style" full screen), but tells the two apart with the window's new
# maximised state on both sides: one maximised meanwhile stays stacked as full screen.
# Going below and back makes it stack the window again, among the others.
_RESTACK = (_add(BELOW), _remove(BELOW))


@dataclass(frozen=True)
class Correction:
    """What to ask the window manager about one program window, in this order."""

    window: int
    why: Why
    changes: tuple[StateChange | Place, ...]


def windows_over(window: int, stacking: Sequence[int]) -> set[int]:
    """The windows stacked over ``window`` in ``stacking`` (bottom to top)."""
    return set(stacking[stacking.index(window) + 1 :]) if window in stacking else set()


def corrections(
    shell: int,
    stacking: Sequence[int],
    states: Mapping[int, frozenset[str]],
    docks: frozenset[int] = frozenset(),
    workarea: Place | None = None,
) -> list[Correction]:
    """What to ask so that no window shows over the shell's window ``shell``.

    ``stacking`` is the window manager's list of windows from bottom to top
    (``_NET_CLIENT_LIST_STACKING``), ``states`` each window's ``_NET_WM_STATE`` names,
    ``docks`` the windows of type dock, ``workarea`` the screen under the bar
    (``_NET_WORKAREA``). A full-screen window is maximised instead (under the bar: it asked
    for the whole screen, it gets all the bar leaves); a window asking to stay above goes
    back among the others. Any other window over the shell's is a frameless one the size of
    the screen, which Openbox stacks as full screen, or one read between two of its states:
    it is put in the work area (a window of a fixed size starts under the bar), then
    maximised; a dock is sent below (a dock below is among the other windows); one Openbox
    left stacked as full screen though maximised is stacked again.
    """
    over_shell = windows_over(shell, stacking)
    found: list[Correction] = []
    for window in stacking:
        if window == shell:
            continue
        state = states.get(window, frozenset())
        if FULLSCREEN in state:
            remove = _remove(FULLSCREEN, ABOVE) if ABOVE in state else _remove(FULLSCREEN)
            # Out of full screen first: Openbox maximises no full-screen window.
            found.append(Correction(window, Why.FULL_SCREEN, (remove, _add(*MAXIMISED))))
        elif ABOVE in state:
            found.append(Correction(window, Why.ABOVE, (_remove(ABOVE),)))
        elif window not in over_shell:
            continue
        elif window in docks:
            if BELOW not in state:
                found.append(Correction(window, Why.DOCK, (_add(BELOW),)))
        elif not set(MAXIMISED) <= state:
            # Moved first, unmaximised: Openbox stacks it again when it stops being
            # screen-sized (it would not, maximised first). A window of a fixed size cannot
            # be maximised, but it can be moved.
            place = () if workarea is None else (workarea,)
            found.append(Correction(window, Why.OVER_THE_BAR, (*place, _add(*MAXIMISED))))
        else:
            found.append(Correction(window, Why.STALE_LAYER, _RESTACK))
    return found


class ShellOnTop:
    """Keeps the shell's window over every program window (see the module's docstring).

    Event-driven: :meth:`fileno` becomes readable when the window manager changes its list
    of windows, their order or a window's state; :meth:`check` then reads the changes and
    asks for the corrections. Qt-free: the shell calls :meth:`check` from a socket notifier.
    """

    def __init__(self, shell: int, connection: _Xcb) -> None:
        self.shell = shell
        self._x = connection
        self._watched: set[int] = set()
        self._root_lists = {
            connection.atom("_NET_CLIENT_LIST"),
            connection.atom("_NET_CLIENT_LIST_STACKING"),
        }
        self._state_atom = connection.atom("_NET_WM_STATE")
        self._names = {connection.atom(name): name for name in _STATES}
        self._dock = connection.atom(_DOCK)
        self._told: set[tuple[int, Why]] = set()
        self._tries: dict[int, int] = {}
        self.behind = True
        """Whether changes came in while the last check read the display: check again."""
        connection.watch_properties(connection.root)
        connection.flush()

    @classmethod
    def open(cls, shell: int) -> ShellOnTop | None:
        """Watch the display of ``DISPLAY`` for the shell's window ``shell`` (an X window id);
        None without an X display."""
        try:
            return cls(shell, _Xcb())
        except OSError as exc:
            log.warning("programs may cover the session bar: %s", exc)
            return None

    def fileno(self) -> int:
        """The connection's socket: readable when the display has news."""
        return self._x.fileno()

    def close(self) -> None:
        self._x.close()

    def check(self) -> bool:
        """Read the display's news and correct any window over the shell's; False once the
        display has gone (nothing more to watch)."""
        if self._x.broken:
            return False
        changed = self._relevant(self._x.property_changes()) or self.behind
        if changed:
            self._correct()
        # Changes that arrived with the replies wait in the connection's queue, where the
        # socket no longer tells of them.
        self.behind = self._relevant(self._x.property_changes(queued_only=True))
        return not self._x.broken

    def _relevant(self, changes: list[tuple[int, int]]) -> bool:
        root = self._x.root
        return any(
            (window == root and atom in self._root_lists) or atom == self._state_atom
            for window, atom in changes
        )

    def _correct(self) -> None:
        x = self._x
        clients = set(x.get_ids(x.root, "_NET_CLIENT_LIST", _WINDOW))
        for window in clients - self._watched:
            x.watch_properties(window)  # before reading its state: no change is missed
        self._watched = clients
        self._told = {(window, why) for window, why in self._told if window in clients}
        stacking = x.get_ids(x.root, "_NET_CLIENT_LIST_STACKING", _WINDOW)
        programs = [window for window in stacking if window != self.shell]
        states = {
            window: frozenset(
                self._names[atom]
                for atom in x.get_ids(window, "_NET_WM_STATE", _ATOM)
                if atom in self._names
            )
            for window in programs
        }
        docks = frozenset(
            window
            for window in programs
            if self._dock in x.get_ids(window, "_NET_WM_WINDOW_TYPE", _ATOM)
        )
        over_shell = windows_over(self.shell, stacking)
        self._tries = {w: n for w, n in self._tries.items() if w in over_shell}
        area = x.get_ids(x.root, "_NET_WORKAREA", _CARDINAL)[:4]
        workarea = Place(*area) if len(area) == 4 else None
        for fix in corrections(self.shell, stacking, states, docks, workarea):
            if fix.why in (Why.OVER_THE_BAR, Why.STALE_LAYER):
                # Asked by nothing the window says, only by where it is stacked: a try that
                # does not help is not repeated for ever (each changes the window's state,
                # which calls for another check).
                tries = self._tries[fix.window] = self._tries.get(fix.window, 0) + 1
                if tries > STACKING_TRIES:
                    if tries == STACKING_TRIES + 1:
                        log.warning("window 0x%x stays over the session bar", fix.window)
                    continue
            if (fix.window, fix.why) not in self._told:
                self._told.add((fix.window, fix.why))
                log.info("window 0x%x %s: kept under the session bar", fix.window, fix.why.value)
            for change in fix.changes:
                if isinstance(change, Place):
                    flags = _NORTH_WEST_GRAVITY | _XYWH_GIVEN | _FROM_PAGER << 12
                    box = [change.x, change.y, change.width, change.height]
                    x.ask_window_manager(fix.window, "_NET_MOVERESIZE_WINDOW", [flags, *box])
                    continue
                atoms = [x.atom(name) for name in change.names] + [0]
                action = _STATE_ADD if change.add else _STATE_REMOVE
                x.ask_window_manager(
                    fix.window, "_NET_WM_STATE", [action, atoms[0], atoms[1], _FROM_PAGER]
                )
        x.flush()
