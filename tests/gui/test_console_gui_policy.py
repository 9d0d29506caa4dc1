"""The policy tab against a real console: read by animators, edited by managers; a refused
field is shown next to itself with what was typed kept; house rules per language; which
PCs run the policy in force; the staff menu's language chosen and sent to a real PC."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from console_support import WAIT_MS, Console, console, log_in
from helpers.console_server import KioskSocket
from helpers.kiosk_agent import ShellClient
from helpers.room_link import LinkedRoom
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

from admin_console.gui.policy import SECTIONS, FieldKind, parse_numbers
from admin_console.gui.policy_view import FieldEditor, PolicyScreen
from policies import Language
from policies.model import PrintRules, SessionRules, StaffRules


def _spin(editor: FieldEditor) -> QSpinBox:
    assert isinstance(editor.input, QSpinBox)
    return editor.input


def _line(editor: FieldEditor) -> QLineEdit:
    assert isinstance(editor.input, QLineEdit)
    return editor.input


def _choice(editor: FieldEditor) -> QComboBox:
    assert isinstance(editor.input, QComboBox)
    return editor.input


def test_the_form_is_made_from_the_policy_model() -> None:
    paths = {spec.path: spec for _, specs in SECTIONS for spec in specs}
    assert {f"session.{n}" for n in SessionRules.model_fields} <= set(paths)
    # The printer has a chooser of its own (the printers CUPS knows), not a text box.
    printing = {f"printing.{n}" for n in PrintRules.model_fields} - {"printing.printer_uri"}
    assert printing <= set(paths)
    assert {f"staff.{n}" for n in StaffRules.model_fields} <= set(paths)
    staff = paths["staff.language"]
    assert (staff.kind, staff.choices) == (FieldKind.CHOICE, ("fr", "nl", "en"))
    length = paths["session.length_minutes"]
    assert (length.kind, length.minimum, length.maximum) == (FieldKind.NUMBER, 5, 24 * 60)
    assert paths["session.warnings_minutes"].kind is FieldKind.NUMBERS
    assert paths["printing.currency"].kind is FieldKind.TEXT
    assert parse_numbers("10, 5; 1") == [10, 5, 1]
    assert parse_numbers("10 min") is None


def test_an_animator_reads_the_policy_and_sees_which_pcs_run_it(qtbot: Any, tmp_path: Path) -> None:
    with console(qtbot, tmp_path) as c:
        _one, token_one = c.server.enroll(c.admin, "PC-01")
        _two, token_two = c.server.enroll(c.admin, "PC-02")
        with c.server.client(c.admin) as http:
            current = http.get("/api/policy").json()["policy_version"]
        with (
            KioskSocket(c.server, token_one, policy_version=current),
            KioskSocket(c.server, token_two, policy_version="0ld0ld0ld0ld"),
        ):
            log_in(qtbot, c.window, "nadia")
            screen = c.window.policy
            c.window.tabs.setCurrentWidget(screen)
            qtbot.waitUntil(lambda: c.controller.policy.state is not None, timeout=WAIT_MS)
            assert current in screen.about.text()
            assert not screen.save.isVisible() and screen.read_only.isVisible()
            assert all(not e.input.isEnabled() for e in screen.fields.values())
            assert _spin(screen.fields["session.length_minutes"]).value() == 60
            assert screen.rules and all(r.short.isReadOnly() for r in screen.rules)
            assert screen.rules[0].short.text()  # the French text of the first rule
            qtbot.waitUntil(lambda: "PC-02" in screen.pcs_text.text(), timeout=WAIT_MS)
            assert screen.pcs_text.text() == (
                "À jour\u00a0: PC-01\nPas encore\u00a0: PC-02 (0ld0ld0ld0ld)"
            )


def test_a_manager_changes_the_policy_and_a_refused_field_is_named(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path) as c:
        log_in(qtbot, c.window, "marie")
        screen = c.window.policy
        c.window.tabs.setCurrentWidget(screen)
        qtbot.waitUntil(lambda: c.controller.policy.state is not None, timeout=WAIT_MS)
        assert screen.save.isVisible()
        length = screen.fields["session.length_minutes"]
        warnings = screen.fields["session.warnings_minutes"]
        currency = screen.fields["printing.currency"]
        _spin(length).setValue(8)
        _line(currency).setText("euro")
        qtbot.mouseClick(screen.save, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(warnings.error.isVisible, timeout=WAIT_MS)
        assert "length_minutes=8" in warnings.error.text()
        assert currency.error.isVisible()
        assert currency.error.text() == "forme incorrecte"  # not pydantic's English
        assert screen.notice.text().startswith("La console refuse ces valeurs")
        # What was typed is still there, to be corrected.
        assert _spin(length).value() == 8
        assert _line(currency).text() == "euro"

        # Rules per language: an edit in Dutch survives a look at English.
        screen.language.setCurrentIndex(screen.language.findData("nl"))
        screen.rules[0].short.setText("Respecteer iedereen in de zaal")
        screen.language.setCurrentIndex(screen.language.findData("en"))
        assert screen.rules[0].short.text() != "Respecteer iedereen in de zaal"
        screen.language.setCurrentIndex(screen.language.findData("nl"))
        assert screen.rules[0].short.text() == "Respecteer iedereen in de zaal"

        _spin(length).setValue(45)
        _line(warnings).setText("10, 2")
        _line(currency).setText("EUR")
        qtbot.mouseClick(screen.save, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Règlement enregistré" in screen.notice.text(), timeout=WAIT_MS)
        assert not warnings.error.isVisible() and not currency.error.isVisible()
        with c.server.client(c.admin) as http:
            state = http.get("/api/policy").json()
        assert state["version"] == 1 and state["changed_by"] == "marie"
        assert state["policy"]["session"]["length_minutes"] == 45
        assert state["policy"]["session"]["warnings_minutes"] == [10, 2]
        rule = state["policy"]["house_rules"]["rules"][0]["texts"]
        assert rule["nl"]["short"] == "Respecteer iedereen in de zaal"
        assert rule["fr"]["short"]  # the other languages are untouched
        assert state["policy_version"] in screen.about.text()


HELP = {
    Language.FR: "Le bouton «\u00a0Animateur\u00a0» de chaque PC ouvre son menu dans cette langue",
    Language.NL: "De knop „Begeleider” op elke pc opent het menu in deze taal",
    Language.EN: "The “Staff” button on each PC opens its menu in this language",
}


@pytest.mark.parametrize("language", [Language.FR, Language.NL, Language.EN])
def test_the_staff_menu_language_is_offered_by_its_own_name_with_help_in_staff_language(
    qtbot: Any, tmp_path: Path, language: Language
) -> None:
    with console(qtbot, tmp_path, language) as c:
        log_in(qtbot, c.window, "marie")
        screen = c.window.policy
        c.window.tabs.setCurrentWidget(screen)
        qtbot.waitUntil(lambda: c.controller.policy.state is not None, timeout=WAIT_MS)
        staff = screen.fields["staff.language"]
        choice = _choice(staff)
        # A Dutch-speaking animator looks for "Nederlands", whatever the console's language.
        names = [choice.itemText(i) for i in range(choice.count())]
        assert names == ["Français", "Nederlands", "English"]
        assert choice.currentText() == "Français"  # the bundled default
        assert choice.isEnabled()
        assert staff.help is not None and staff.help.isVisible()
        assert staff.help.text().startswith(HELP[language])
        assert choice.toolTip() == staff.help.text()


def test_a_manager_chooses_dutch_for_the_staff_menu_and_the_pc_gets_it(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path) as c:
        room = LinkedRoom(c.server, c.admin)
        try:
            pc = room.pc("PC-01")
            with ShellClient(pc.socket_path) as shell:
                assert shell.hello().staff_language is Language.FR
                log_in(qtbot, c.window, "marie")
                screen = c.window.policy
                c.window.tabs.setCurrentWidget(screen)
                qtbot.waitUntil(lambda: c.controller.policy.state is not None, timeout=WAIT_MS)
                choice = _choice(screen.fields["staff.language"])
                qtbot.keyClicks(choice, "N")  # types the first letter, as staff would
                assert choice.currentText() == "Nederlands"
                qtbot.mouseClick(screen.save, Qt.MouseButton.LeftButton)
                qtbot.waitUntil(
                    lambda: "Règlement enregistré" in screen.notice.text(), timeout=WAIT_MS
                )
                with c.server.client(c.admin) as http:
                    state = http.get("/api/policy").json()
                assert state["policy"]["staff"]["language"] == "nl"
                assert state["version"] == 1 and state["changed_by"] == "marie"
                # Nothing else changed on the way.
                assert state["policy"]["session"]["length_minutes"] == 60
                # The form shows what is now in force, and the PC says it runs it.
                assert choice.currentText() == "Nederlands"
                shell.wait_view(lambda v: v.staff_language is Language.NL)
                qtbot.waitUntil(
                    lambda: screen.pcs_text.text() == "À jour\u00a0: PC-01", timeout=WAIT_MS
                )
            assert pc.call(lambda: pc.agent.policy).staff.language.value == "nl"
        finally:
            room.close()


def _open_policy(qtbot: Any, c: Console, username: str) -> PolicyScreen:
    """Log ``username`` in and open the policy tab, loaded: the screen."""
    log_in(qtbot, c.window, username)
    screen = c.window.policy
    c.window.tabs.setCurrentWidget(screen)
    qtbot.waitUntil(lambda: c.controller.policy.state is not None, timeout=WAIT_MS)
    return screen


def _times(screen: PolicyScreen, day: str) -> list[QLineEdit]:
    row = screen.hours.days[day]
    return [box for pair in row.inputs for box in pair]


def _type(qtbot: Any, box: QLineEdit, text: str) -> None:
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_Delete)
    qtbot.keyClicks(box, text)


def test_a_manager_sets_saturday_and_a_closure_and_wrong_times_are_refused_in_words(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path) as c:
        screen = _open_policy(qtbot, c, "marie")
        saturday = screen.hours.days["saturday"]
        opens, closes, opens2, closes2 = _times(screen, "saturday")
        # The bundled policy: Saturday morning only, Sunday closed.
        assert (opens.text(), closes.text(), opens2.text()) == ("09:30", "12:30", "")
        assert screen.hours.days["sunday"].closed.isChecked()
        assert not opens2.isReadOnly() and opens2.isEnabled()

        # Each wrong time is said under Saturday as it is typed, in French.
        _type(qtbot, closes, "25:00")
        assert saturday.error.isVisible()
        assert saturday.error.text() == (
            "«\u00a025:00\u00a0» n'est pas une heure\u00a0: écrivez-la comme 09:30 "
            "(de 00:00 à 23:59)."
        )
        assert closes.property("bad") is True and opens.property("bad") is False
        _type(qtbot, closes, "09:00")
        assert saturday.error.text() == "La fermeture doit venir après l'ouverture."
        _type(qtbot, closes, "12:30")
        _type(qtbot, opens2, "12h00")  # as a Belgian animator may write it
        _type(qtbot, closes2, "16:00")
        assert saturday.error.text().startswith("Les deux périodes se chevauchent")
        assert opens2.property("bad") is True
        # Nothing wrong is sent: the console still has its bundled policy.
        qtbot.mouseClick(screen.save, Qt.MouseButton.LeftButton)
        assert screen.notice.text() == (
            "Corrigez d'abord les heures d'ouverture signalées en rouge."
        )
        with c.server.client(c.admin) as http:
            assert http.get("/api/policy").json()["version"] == 0

        _type(qtbot, opens2, "13:30")
        assert not saturday.error.isVisible() and opens2.property("bad") is False

        # A closure over Christmas, with its reason; the end first set before the start.
        qtbot.mouseClick(screen.hours.add_closure, Qt.MouseButton.LeftButton)
        closure = screen.hours.closures[0]
        closure.start.setDate(QDate(2026, 12, 24))
        closure.until.setChecked(True)
        closure.end.setDate(QDate(2026, 12, 20))
        assert closure.error.text() == "Le dernier jour fermé ne peut pas venir avant le premier."
        closure.end.setDate(QDate(2026, 12, 26))
        assert not closure.error.isVisible()
        closure.reason.setText("Congés de Noël")  # keyClicks types ASCII only

        qtbot.mouseClick(screen.save, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Règlement enregistré" in screen.notice.text(), timeout=WAIT_MS)
        with c.server.client(c.admin) as http:
            state = http.get("/api/policy").json()
        hours = state["policy"]["opening_hours"]
        assert state["version"] == 1 and state["changed_by"] == "marie"
        assert hours["saturday"] == [
            {"opens": "09:30:00", "closes": "12:30:00"},
            {"opens": "13:30:00", "closes": "16:00:00"},
        ]
        assert hours["closures"] == [
            {"start": "2026-12-24", "end": "2026-12-26", "reason": "Congés de Noël"}
        ]
        assert hours["monday"] == [{"opens": "10:00:00", "closes": "18:00:00"}]  # untouched
        assert hours["sunday"] == []
        # The form shows what is now in force.
        assert [box.text() for box in _times(screen, "saturday")] == [
            "09:30",
            "12:30",
            "13:30",
            "16:00",
        ]
        assert screen.hours.closures[0].reason.text() == "Congés de Noël"


def test_an_animator_reads_the_opening_hours_without_changing_them(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path, Language.NL) as c:
        screen = _open_policy(qtbot, c, "nadia")
        assert screen.hours.title() == "Openingsuren"
        assert screen.hours.days["monday"].name.text() == "Maandag"
        assert [box.text() for box in _times(screen, "monday")][:2] == ["10:00", "18:00"]
        assert all(not box.isEnabled() for box in _times(screen, "monday"))
        assert not screen.hours.days["sunday"].closed.isEnabled()
        assert not screen.hours.add_closure.isVisible()
