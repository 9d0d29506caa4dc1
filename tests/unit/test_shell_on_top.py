"""What the shell asks the window manager so that no program window covers the session bar.

The rule alone, on the window manager's lists as ``corrections`` reads them; the real
Openbox, shell and programs are in ``tests/e2e/test_desktop_wm.py``.
"""

from __future__ import annotations

from kiosk.shell.x11 import (
    ABOVE,
    BELOW,
    FULLSCREEN,
    MAXIMISED,
    Correction,
    Place,
    StateChange,
    Why,
    corrections,
)

SHELL, LETTER, BROWSER = 0x400007, 0xA00007, 0xC00003
MAX = frozenset(MAXIMISED)
RESTACK = (StateChange(True, (BELOW,)), StateChange(False, (BELOW,)))
WORKAREA = Place(0, 72, 1024, 696)
"""A 1024×768 screen under a 72-pixel bar."""


def test_programs_maximised_under_the_bar_are_left_alone() -> None:
    stacking = [LETTER, BROWSER, SHELL]
    assert corrections(SHELL, stacking, {LETTER: MAX, BROWSER: MAX}) == []


def test_a_full_screen_program_is_maximised_under_the_bar_instead() -> None:
    """F11: the program keeps the whole screen the bar leaves; out of full screen first
    (Openbox does not maximise a full-screen window)."""
    found = corrections(SHELL, [SHELL, BROWSER], {BROWSER: frozenset({FULLSCREEN})})
    assert found == [
        Correction(
            BROWSER,
            Why.FULL_SCREEN,
            (StateChange(False, (FULLSCREEN,)), StateChange(True, MAXIMISED)),
        )
    ]


def test_full_screen_and_above_are_both_undone_in_one_request() -> None:
    state = frozenset({FULLSCREEN, ABOVE})
    [fix] = corrections(SHELL, [SHELL, BROWSER], {BROWSER: state})
    assert fix.changes[0] == StateChange(False, (FULLSCREEN, ABOVE))


def test_a_full_screen_program_is_undone_even_before_the_shell_is_mapped() -> None:
    """A shell that starts again (its supervisor restarts it) finds a program full screen."""
    found = corrections(SHELL, [BROWSER], {BROWSER: frozenset({FULLSCREEN})})
    assert [fix.why for fix in found] == [Why.FULL_SCREEN]


def test_a_program_asking_to_stay_above_goes_back_among_the_others() -> None:
    """Above is the shell's layer: raised, the program would go over the bar."""
    found = corrections(SHELL, [LETTER, SHELL], {LETTER: MAX | {ABOVE}})
    assert found == [Correction(LETTER, Why.ABOVE, (StateChange(False, (ABOVE,)),))]


def test_a_screen_sized_frameless_window_over_the_shell_is_put_under_the_bar() -> None:
    """Openbox stacks it as full screen without any state saying so: it is moved into the
    work area (one of a fixed size cannot be maximised), then maximised."""
    found = corrections(SHELL, [SHELL, LETTER], {LETTER: frozenset()}, workarea=WORKAREA)
    assert found == [Correction(LETTER, Why.OVER_THE_BAR, (WORKAREA, StateChange(True, MAXIMISED)))]


def test_a_maximised_window_left_over_the_shell_is_stacked_again() -> None:
    found = corrections(SHELL, [SHELL, LETTER], {LETTER: MAX})
    assert found == [Correction(LETTER, Why.STALE_LAYER, RESTACK)]


def test_a_dock_over_the_shell_is_sent_below_once() -> None:
    """A dock cannot be maximised; below, Openbox stacks it among the other windows."""
    found = corrections(SHELL, [SHELL, LETTER], {LETTER: frozenset()}, docks=frozenset({LETTER}))
    assert found == [Correction(LETTER, Why.DOCK, (StateChange(True, (BELOW,)),))]
    below = frozenset({BELOW})
    assert corrections(SHELL, [SHELL, LETTER], {LETTER: below}, frozenset({LETTER})) == []


def test_windows_under_the_shell_keep_their_own_size() -> None:
    """A dialog, or a window the program moved: under the bar, it shows nothing over it."""
    assert corrections(SHELL, [LETTER, SHELL], {LETTER: frozenset()}) == []


def test_the_shell_itself_is_never_corrected() -> None:
    """The shell's window stays above, on purpose."""
    assert corrections(SHELL, [LETTER, SHELL], {SHELL: frozenset({ABOVE}), LETTER: MAX}) == []
