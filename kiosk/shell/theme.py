"""The shell's look: calm colours, big text, and the large-text and high-contrast variants."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.shell.icons import Tone

NAVY = "#1f3a5f"
ORANGE = "#e07a1f"
RED = "#c62828"
GREEN = "#2e7d32"


@dataclass(frozen=True)
class Theme:
    """The visitor's display choices: large text (≈1.5×) and high contrast."""

    large: bool = False
    contrast: bool = False

    @property
    def scale(self) -> float:
        """How much bigger than the default everything is drawn."""
        return 1.5 if self.large else 1.0

    def px(self, base: float) -> int:
        """A size in pixels, scaled for large text."""
        return round(base * self.scale)

    @property
    def box_scale(self) -> float:
        """How much bigger pictograms and touch targets are drawn than by default.

        Less than the text: they are big already, and a 768 px high screen must keep room
        for the words, which large text is for.
        """
        return 1.2 if self.large else 1.0

    def box(self, base: float) -> int:
        """A pictogram's or a touch target's size in pixels, scaled for large text."""
        return round(base * self.box_scale)

    @property
    def bar_height(self) -> int:
        """Height of the session bar: its buttons keep a 64 px touch size."""
        return self.px(72)

    @property
    def banner_height(self) -> int:
        """Height of the bar with its warning banner."""
        # Large text: room for the warning's two lines at 1024 px wide.
        return self.bar_height + (self.px(140) if self.large else 112)

    @property
    def panel_height(self) -> int:
        """Height of the final countdown and of the 'end your session?' panel."""
        # Large text: most of a 768 px high screen, the words need it.
        return 600 if self.large else 360

    def tone(self, dark_surface: bool = False) -> Tone:
        """The icon palette for a surface."""
        if self.contrast:
            return Tone.CONTRAST
        return Tone.ON_DARK if dark_surface else Tone.NORMAL


@dataclass(frozen=True)
class _Colours:
    bg: str
    surface: str
    text: str
    title: str
    muted: str
    border: str
    pressed: str
    checked: str
    focus: str
    primary: str
    primary_text: str
    danger: str
    danger_text: str
    go: str
    go_text: str
    error: str
    bar: str
    bar_text: str
    banner: str
    banner_text: str
    accent: str


_NORMAL = _Colours(
    bg="#f4f1ea",
    surface="#ffffff",
    text="#14202b",
    title=NAVY,
    muted="#3d4a57",
    border="#aebccb",
    pressed="#dfe7f0",
    checked="#d6e4f3",
    focus=ORANGE,
    primary=NAVY,
    primary_text="#ffffff",
    danger=RED,
    danger_text="#ffffff",
    go=GREEN,
    go_text="#ffffff",
    error="#b3261e",
    bar=NAVY,
    bar_text="#ffffff",
    banner="#f0922e",
    banner_text="#111111",
    accent=ORANGE,
)
_CONTRAST = _Colours(
    bg="#000000",
    surface="#000000",
    text="#ffffff",
    title="#ffff00",
    muted="#ffffff",
    border="#ffffff",
    pressed="#333333",
    checked="#333300",
    focus="#ffff00",
    primary="#000000",
    primary_text="#ffff00",
    danger="#000000",
    danger_text="#ff6e6e",
    go="#000000",
    go_text="#00e676",
    error="#ff8a80",
    bar="#000000",
    bar_text="#ffffff",
    banner="#ffff00",
    banner_text="#000000",
    accent="#ffff00",
)


def stylesheet(theme: Theme, font: str = "DejaVu Sans") -> str:
    """The Qt style sheet of the whole shell for ``theme``, its texts in ``font`` (the
    family that has the visitor's script)."""
    c = _CONTRAST if theme.contrast else _NORMAL
    px = theme.px
    box = theme.box
    border = 4 if theme.contrast else 3
    focus = 7 if theme.contrast else 5
    primary_border = "#ffff00" if theme.contrast else c.primary
    danger_border = "#ff6e6e" if theme.contrast else c.danger
    go_border = "#00e676" if theme.contrast else c.go
    return f"""
QWidget {{
    color: {c.text};
    font-family: "{font}";
    font-size: {px(22)}px;
}}
#root, QStackedWidget, #page, QScrollArea, #rulesList, #appList {{ background: {c.bg}; }}
QLabel {{ background: transparent; }}
QLabel[role="title"] {{ font-size: {px(38)}px; font-weight: bold; color: {c.title}; }}
QLabel[role="cardTitle"] {{ font-size: {box(38)}px; font-weight: bold; color: {c.title}; }}
QLabel[role="subtitle"] {{ font-size: {px(25)}px; color: {c.muted}; }}
QLabel[role="big"] {{ font-size: {px(30)}px; font-weight: bold; }}
QLabel[role="fact"] {{ font-size: {box(27)}px; color: {c.text}; }}
QLabel[role="huge"] {{ font-size: 120px; font-weight: bold; color: {c.title}; }}
QLabel[role="error"] {{ font-size: {px(24)}px; font-weight: bold; color: {c.error}; }}
QPushButton {{
    background: {c.surface};
    border: {border}px solid {c.border};
    border-radius: {px(14)}px;
    padding: {px(6)}px {px(14)}px;
    min-height: {box(64)}px;
    min-width: {box(64)}px;
}}
ActionButton {{ min-width: 0px; }}
QPushButton:hover {{ border-color: {c.title}; }}
QPushButton:pressed {{ background: {c.pressed}; }}
QPushButton:checked {{ background: {c.checked}; border: {focus}px solid {c.title}; }}
QPushButton:focus {{ border: {focus}px solid {c.focus}; }}
QPushButton:disabled {{ border-style: dashed; }}
QPushButton QLabel {{ font-size: {px(24)}px; font-weight: bold; }}
QPushButton[role="language"] QLabel {{ font-size: {px(32)}px; }}
QPushButton[role="primary"] {{ background: {c.primary}; border-color: {primary_border}; }}
QPushButton[role="primary"] QLabel {{ color: {c.primary_text}; }}
QPushButton[role="primary"]:focus {{ border: {focus}px solid {c.focus}; }}
QPushButton[role="danger"] {{ background: {c.danger}; border-color: {danger_border}; }}
QPushButton[role="danger"] QLabel {{ color: {c.danger_text}; }}
QPushButton[role="go"] {{ background: {c.go}; border-color: {go_border}; }}
QPushButton[role="go"] QLabel {{ color: {c.go_text}; }}
QPushButton[role="go"]:focus {{ border: {focus}px solid {c.focus}; }}
QPushButton[role="key"] {{ font-size: {px(34)}px; font-weight: bold; }}
QPushButton[role="tile"] QLabel {{ font-size: {px(26)}px; }}
QPushButton[role="tile"] QLabel[role="kind"] {{ font-size: {box(21)}px; font-weight: normal; }}
QPushButton[role="staff"] {{
    background: transparent; border: 2px solid transparent;
    min-height: {px(48)}px; min-width: {px(48)}px; padding: 2px;
}}
QPushButton[role="staff"]:focus {{ border: {focus}px solid {c.focus}; }}
QLineEdit {{
    background: {c.surface};
    color: {c.text};
    border: {border}px solid {c.border};
    border-radius: {px(10)}px;
    padding: {px(6)}px {px(12)}px;
    font-size: {box(36)}px;
    min-height: {box(64)}px;
}}
QLineEdit:focus {{ border: {focus}px solid {c.focus}; }}
#bar {{ background: {c.bar}; border-bottom: 2px solid {c.accent}; }}
#bar QLabel {{ color: {c.bar_text}; }}
#bar QLabel[role="big"] {{ font-size: {px(28)}px; }}
#bar QPushButton {{ min-height: 0px; padding: 0px {px(10)}px; }}
#bar QPushButton QLabel {{ color: {c.text}; font-size: {px(21)}px; }}
#banner {{ background: {c.banner}; }}
#banner QLabel {{ color: {c.banner_text}; font-size: {px(27)}px; font-weight: bold; }}
#banner QPushButton QLabel {{ color: {c.text}; font-size: {px(22)}px; }}
#panel {{ background: {c.surface}; border-bottom: {px(8)}px solid {c.accent}; }}
#card {{ background: {c.surface}; border: {border}px solid {c.border}; border-radius: {px(18)}px; }}
#ruleRow {{ background: {c.surface}; }}
QScrollBar:vertical {{ width: {px(28)}px; background: {c.bg}; }}
QScrollBar::handle:vertical {{
    background: {c.border}; border-radius: {px(10)}px; min-height: 60px;
}}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0px; }}
"""
