"""The visitor's window manager: Openbox, configured for a public PC.

Without a window manager a program's window covers the session bar and the visitor cannot
get back to it. Openbox (small, well kept, in Debian) runs in the visitor's X session (the
session program starts it, ``kiosk/shell/supervisor.py``) and in each demo PC's screen, with
the ``rc.xml`` made here:

- every program window opens maximised, with a title bar that holds only its name and a
  close button; it cannot be moved, resized, shaded or sent to another desktop;
- the shell's window (``WM_WINDOW_ROLE`` :data:`SHELL_ROLE`) has no frame and stays above
  the programs; its bar reserves the top strip of the screen (``_NET_WM_STRUT_PARTIAL``, set
  by the shell), so maximised programs take the rest and never cover the time left, help or
  end; its full-screen pages (rules, print confirmation, warnings) cover the programs;
- no window opens full screen or above the others, whatever it remembers or asks (the first
  per-application rule; later ones override it, the shell's "above" included). Openbox has
  no setting that refuses these requests once a window is open and would put a full-screen
  window over the shell's, so the shell undoes them itself (``kiosk/shell/x11.py``);
- no root menu, no window menu, one desktop, no key that runs a command; Alt+Tab goes from
  one open program to another, Alt+F4 closes one (the shell ignores it).

Openbox is started as ``openbox --config-file FILE``, never ``openbox-session``: no
autostart script runs, and the visitor's own ``~/.config/openbox`` is not read.
"""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

OPENBOX = "openbox"
OPENBOX_RC = PurePosixPath("/etc/epn-kiosk/openbox-rc.xml")
"""Where the installer writes :func:`openbox_rc` (root's, read-only for the visitor)."""
SHELL_ROLE = "epn-kiosk-shell"
"""The shell window's ``WM_WINDOW_ROLE``: how the window manager tells it from programs."""

_FOCUS_RAISE = '<action name="Focus"/><action name="Raise"/>'


def _font(place: str, size: int) -> str:
    return (
        f'    <font place="{place}"><name>DejaVu Sans</name><size>{size}</size>'
        "<weight>Bold</weight><slant>Normal</slant></font>\n"
    )


def openbox_rc() -> str:
    """``rc.xml`` for the visitor's Openbox (see the module's docstring)."""
    press = f'<mousebind button="Left" action="Press">{_FOCUS_RAISE}</mousebind>'
    contexts = "".join(
        f'    <context name="{name}">{press}</context>\n'
        # Not "Frame": a plain click bound there never reaches the program (nor the shell).
        for name in ("Client", "Titlebar", "Top", "Bottom", "Left", "Right")
    )
    switch = (
        '<finalactions><action name="Focus"/><action name="Raise"/>'
        '<action name="Unshade"/></finalactions>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- EPN Kiosk: the visitor's window manager (written by the installer). -->\n"
        '<openbox_config xmlns="http://openbox.org/3.4/rc">\n'
        "  <resistance><strength>0</strength><screen_edge_strength>0</screen_edge_strength>"
        "</resistance>\n"
        "  <focus><focusNew>yes</focusNew><followMouse>no</followMouse></focus>\n"
        "  <placement><policy>Smart</policy><center>yes</center></placement>\n"
        "  <theme>\n"
        "    <name>Clearlooks</name>\n"
        "    <titleLayout>LC</titleLayout>\n"
        "    <keepBorder>yes</keepBorder>\n"
        "    <animateIconify>no</animateIconify>\n"
        + _font("ActiveWindow", 14)
        + _font("InactiveWindow", 14)
        + _font("OnScreenDisplay", 16)
        + "  </theme>\n"
        "  <desktops><number>1</number><firstdesk>1</firstdesk><popupTime>0</popupTime>"
        "</desktops>\n"
        "  <margins><top>0</top><bottom>0</bottom><left>0</left><right>0</right></margins>\n"
        "  <dock><noStrut>yes</noStrut></dock>\n"
        "  <keyboard>\n"
        '    <keybind key="A-Tab"><action name="NextWindow">'
        f"{switch}</action></keybind>\n"
        '    <keybind key="A-S-Tab"><action name="PreviousWindow">'
        f"{switch}</action></keybind>\n"
        '    <keybind key="A-F4"><action name="Close"/></keybind>\n'
        "  </keyboard>\n"
        "  <mouse>\n"
        "    <dragThreshold>8</dragThreshold>\n"
        "    <doubleClickTime>500</doubleClickTime>\n"
        + contexts
        + '    <context name="Close">'
        + press
        + '<mousebind button="Left" action="Click"><action name="Close"/></mousebind>'
        "</context>\n"
        '    <context name="Root"></context>\n'
        "  </mouse>\n"
        "  <applications>\n"
        # Every window first (later rules override): none opens full screen or above the
        # others, whatever it remembers or asks (kiosk/shell/x11.py keeps it so afterwards).
        '    <application class="*"><fullscreen>no</fullscreen><layer>normal</layer>'
        "</application>\n"
        '    <application type="normal">'
        "<decor>yes</decor><maximized>true</maximized><desktop>1</desktop></application>\n"
        '    <application type="dialog"><decor>yes</decor><desktop>1</desktop></application>\n'
        f'    <application role="{SHELL_ROLE}">'
        "<decor>no</decor><maximized>no</maximized><layer>above</layer>"
        "<skip_taskbar>yes</skip_taskbar><skip_pager>yes</skip_pager></application>\n"
        "  </applications>\n"
        "</openbox_config>\n"
    )


def window_manager_argv(config: Path | PurePosixPath) -> list[str] | None:
    """The command that runs the visitor's Openbox with ``config``; None without Openbox."""
    program = shutil.which(OPENBOX)
    if program is None:
        return None
    return [program, "--config-file", str(config)]
