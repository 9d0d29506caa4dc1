"""A new PC's pairing code from the room, in the real window on a real console: an admin's
"Connect a new PC" shows a code, big, with until when it is valid and what to do on the
PC, and that very code pairs a PC (the agent's own ``enroll``); "New code" makes another.
A manager or an animator sees no button, and a console that refuses or does not answer
is said so in the dialog, in the staff language."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from console_support import WAIT_MS, console, log_in
from PySide6.QtCore import Qt

from admin_console.gui import i18n
from admin_console.gui.pairing_view import CODE_POINTS
from kiosk.agent.config import AgentConfig
from kiosk.agent.enroll import EnrollFailed, enroll
from kiosk.shell import i18n as shell_i18n
from policies import Language

CODE = re.compile(r"^[A-Z0-9]{5}-[A-Z0-9]{5}$")


@pytest.fixture
def pc_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="epnp"))  # short: the agent's unix socket
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _pair(url: str, code: str, pc_dir: Path, name: str) -> None:
    config = AgentConfig(data_dir=pc_dir, sandbox=True)
    enroll(url, code, name=name, location="salle 1", config=config, allow_insecure=True)


def test_an_admin_shows_a_code_that_pairs_a_new_pc(
    qtbot: Any, tmp_path: Path, pc_dir: Path
) -> None:
    with console(qtbot, tmp_path) as c:
        log_in(qtbot, c.window, "admin")
        room = c.window.room
        assert room.pair_pc.isVisible()
        assert room.pair_pc.text() == "Connecter un nouveau PC"
        qtbot.mouseClick(room.pair_pc, Qt.MouseButton.LeftButton)
        dialog = room.pairing
        assert dialog.isVisible()
        qtbot.waitUntil(lambda: CODE.match(dialog.code.text()) is not None, timeout=WAIT_MS)
        first = dialog.code.text()
        assert dialog.code.font().pointSize() == CODE_POINTS
        until = (c.server.clock.now() + dt.timedelta(minutes=10)).astimezone()
        assert dialog.until.text() == f"Valable jusqu'à {until:%H:%M}"
        assert "«\u00a0Connecter ce PC à la console\u00a0»" in dialog.how.text()

        qtbot.mouseClick(dialog.again, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.code.text() not in ("…", first), timeout=WAIT_MS)
        second = dialog.code.text()
        assert CODE.match(second)

        _pair(c.server.url, second, pc_dir, "PC-07")
        with c.server.client(c.admin) as http:
            pcs = http.get("/api/kiosks").json()
        assert [pc["name"] for pc in pcs] == ["PC-07"]
        # The code is spent: it pairs no second PC.
        again = pc_dir / "again"
        again.mkdir()
        with pytest.raises(EnrollFailed, match="code"):
            _pair(c.server.url, second, again, "PC-08")
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        assert not dialog.isVisible()


@pytest.mark.parametrize("username", ["marie", "nadia"])
def test_managers_and_animators_see_no_button_and_the_console_refuses_them(
    qtbot: Any, tmp_path: Path, username: str
) -> None:
    with console(qtbot, tmp_path, Language.NL) as c:
        log_in(qtbot, c.window, username)
        room = c.window.room
        assert not room.pair_pc.isVisible()
        # Asked anyway (an older window, a changed role): the dialog says who may.
        room.show_pairing()
        dialog = room.pairing
        qtbot.waitUntil(dialog.error.isVisible, timeout=WAIT_MS)
        assert dialog.error.text() == "Alleen een beheerder kan een nieuwe pc koppelen."
        assert dialog.code.text() == ""


def test_a_console_that_does_not_answer_is_said_so_in_the_dialog(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path, Language.EN) as c:
        log_in(qtbot, c.window, "admin")
        c.server.stop()
        qtbot.mouseClick(c.window.room.pair_pc, Qt.MouseButton.LeftButton)
        dialog = c.window.room.pairing
        qtbot.waitUntil(dialog.error.isVisible, timeout=WAIT_MS)
        assert dialog.error.text() == i18n.text("net.unreachable", Language.EN)
        assert dialog.again.isEnabled()


@pytest.mark.parametrize("language", i18n.STAFF_LANGUAGES)
def test_what_to_do_on_the_pc_names_the_pcs_own_staff_menu_words(language: Language) -> None:
    how = i18n.text("pairing.how", language)
    for key in ("staff", "pair_open"):  # the staff key's name, the pairing entry
        assert shell_i18n.tr(key, language) in how
