"""A visitor's LibreOffice opens on a blank letter: no first-run bar or question.

The settings come from the visitor home's skeleton (wiped and rebuilt at each session):
each prompt a newcomer would have to understand and close is turned off there.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import kiosk.agent

XCU = (
    Path(kiosk.agent.__file__).parent
    / "skeleton/.config/libreoffice/4/user/registrymodifications.xcu"
)
OOR = "{http://openoffice.org/2001/registry}"
VERSION_FILE = Path("/usr/lib/libreoffice/share/registry/main.xcd")


def settings() -> dict[str, str]:
    found = {}
    for item in ET.parse(XCU).getroot():
        for prop in item:
            value = prop.find("value")
            found[f"{item.get(OOR + 'path')}/{prop.get(OOR + 'name')}"] = (
                value.text if value is not None and value.text else ""
            )
    return found


def test_no_tip_no_first_run_no_donate_and_no_format_question() -> None:
    shown = settings()
    assert shown["/org.openoffice.Office.Common/Misc/ShowTipOfTheDay"] == "false"
    assert shown["/org.openoffice.Office.Common/Misc/FirstRun"] == "false"
    assert shown["/org.openoffice.Office.Common/Save/Document/WarnAlienFormat"] == "false"
    year_2100 = 4102444800
    for bar in ("LastTimeDonateShown", "LastTimeGetInvolvedShown"):
        assert int(shown[f"/org.openoffice.Setup/Product/{bar}"]) >= year_2100


def test_no_running_this_version_for_the_first_time_bar() -> None:
    """The bar shows when the last version run is older than the one installed."""
    last = shown_version = settings()["/org.openoffice.Setup/Product/ooSetupLastVersion"]
    major, minor = (int(part) for part in last.split("."))
    assert (major, minor) >= (99, 9)
    if VERSION_FILE.exists():  # the installed release, when LibreOffice is there
        text = VERSION_FILE.read_text(encoding="utf-8", errors="replace")
        match = re.search(r'<prop oor:name="ooSetupVersion">\s*<value>([\d.]+)</value>', text)
        assert match is not None
        installed = tuple(int(part) for part in match.group(1).split(".")[:2])
        assert installed < (major, minor), shown_version
