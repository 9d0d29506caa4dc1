"""The console window's screens about sites, drawn from sample answers (no server), as
:mod:`helpers.console_scenes` draws the others: ``console-room-sites.png`` (a manager of
two sites, the room of both, each tile saying its site), ``console-room-sites-one.png``
(one site chosen), ``console-sites-usage.png`` (the usage review's site chooser),
``console-sites-pairing.png`` (a new PC's code, for the site chosen),
``console-sites.png`` (the Sites tab: who works at the site, a manager's own box greyed),
``console-sites-pcs.png`` (the site's PCs and where one can be moved),
``console-sites-move.png`` (the question before a PC is moved),
``console-sites-settings.png`` (the site's own name on the PCs, a house rule of its own,
and its print price and pages over the network's, just saved),
``console-sites-rules-missing.png`` (a second rule of its own not yet written in English,
as the console says), ``console-sites-hours.png`` (the site's own opening hours),
``console-sites-new.png`` (an admin's new site, its name already taken)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers.console_scenes import SAMPLE_PAIRING_CODE, SAMPLE_ROOM, sample_policy

from admin_console.gui import calls
from admin_console.gui.sites import site_check_text as desk_words

SITE_RULE = {
    "id": "site-1",
    "pictogram": "equipment",
    "texts": {
        "fr": {
            "short": "Pas de nourriture près des PC",
            "long": "Les miettes et les boissons abîment les claviers. Mangez à la cafétéria.",
        },
        "nl": {
            "short": "Geen eten bij de pc's",
            "long": "Kruimels en drankjes beschadigen de toetsenborden. Eet in de cafetaria.",
        },
        "en": {
            "short": "No food near the PCs",
            "long": "Crumbs and drinks damage the keyboards. Eat in the cafeteria.",
        },
    },
}

SITES = [
    {
        "id": 1,
        "name": "Maison de quartier",
        "address": "Rue Haute 12, 1000 Bruxelles",
        "created_at": "2026-01-05T09:00:00+00:00",
        "kiosks": 6,
    },
    {
        "id": 2,
        "name": "Bibliothèque Sainte-Catherine",
        "address": "Place Sainte-Catherine 3, 1000 Bruxelles",
        "created_at": "2026-06-01T09:00:00+00:00",
        "kiosks": 6,
    },
]


def _account(staff_id: int, username: str, name: str, role: str, sites: list[int]) -> Any:
    return {
        "id": staff_id,
        "username": username,
        "display_name": name,
        "role": role,
        "language": "fr",
        "disabled": False,
        "has_pin": True,
        "pin_set_at": None,
        "created_at": "2026-01-05T09:00:00+00:00",
        "site_ids": sites,
    }


TEAM = {
    "staff": [
        _account(1, "ada", "Ada Lemaire", "admin", []),
        _account(2, "marie", "Marie Dubois", "manager", [1, 2]),
        _account(3, "nadia", "Nadia El Amrani", "animator", [1]),
        _account(4, "youssef", "Youssef Kaya", "animator", [1, 2]),
        _account(5, "pieter", "Pieter Janssens", "animator", [2]),
    ]
}


def sites_screens(app: Any, window: Any, controller: Any, out: Path, suffix: str) -> None:
    """Draw the screens above into ``out`` (``suffix``: ``-nl``, ``-en`` or none)."""
    from PySide6.QtWidgets import QMessageBox

    from admin_console.gui import i18n

    def save(name: str, widget: Any = None) -> None:
        for _ in range(3):
            app.processEvents()
        (widget or window).grab().save(str(out / f"console-{name}{suffix}.png"))

    desk = controller.sites
    lang = controller.language
    # Nothing here asks the (absent) console: its failures would be drawn as red lines.
    desk.failed.disconnect()
    controller.role = "manager"
    window._logged_in("marie")
    controller.username = "marie"
    window.room._user("marie")
    controller.help.timer.stop()
    room = [dict(entry, site_id=1 if entry["id"] <= 6 else 2) for entry in SAMPLE_ROOM]
    controller.set_room(room)
    desk._sites(calls.SITES.read(SITES))
    controller.select([])
    controller.results = []
    controller.results_changed.emit()
    window.tabs.setCurrentWidget(window.room)
    window.room.redraw()
    save("room-sites")
    window.room.site.choose(2)
    save("room-sites-one")
    window.room.site.choose(None)

    window.tabs.setCurrentWidget(window.usage)
    window.usage.site.box.blockSignals(True)
    window.usage.site.choose(1)
    window.usage.site.box.blockSignals(False)
    window.usage.notice.setText("")  # an earlier call to the absent console
    save("sites-usage")

    dialog = window.room.pairing
    dialog.site.box.blockSignals(True)
    dialog.site.choose(2)
    dialog.site.box.blockSignals(False)
    dialog.show()
    controller.pairing.made.emit(calls.PAIRING_CODE.read(SAMPLE_PAIRING_CODE))
    save("sites-pairing", dialog)
    dialog.hide()

    screen = window.sites
    window.tabs.setCurrentWidget(screen)
    desk._team(calls.STAFF.read(TEAM))
    screen.choose(1)
    desk.team_changed.emit("Youssef Kaya")
    save("sites")

    screen.pages.setCurrentWidget(screen.pcs)
    screen.pcs.list.setCurrentRow(1)
    save("sites-pcs")
    pc = controller.pcs[2]
    question = QMessageBox(
        QMessageBox.Icon.Question,
        i18n.text("sites.move_title", lang),
        i18n.text("sites.move_question", lang, pc=pc.name, site=SITES[1]["name"]),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        window,
    )
    # Drawn without being shown: a shown message box asks the platform for what the
    # offscreen one refuses.
    laid_out = question.layout()
    if laid_out is not None:
        laid_out.activate()
    question.resize(question.sizeHint())
    save("sites-move", question)
    question.deleteLater()

    _settings_screens(window, controller, save)
    screen.pages.setCurrentWidget(screen.team)

    controller.role = "admin"
    window._logged_in("ada")
    controller.help.timer.stop()
    desk._sites(calls.SITES.read(SITES))
    window.tabs.setCurrentWidget(screen)
    screen.dialog.ask_new()
    screen.dialog.name.setText("Maison de quartier")
    screen.dialog.address.setText("Rue Haute 12, 1000 Bruxelles")
    desk.site_refused.emit(i18n.text("sites.name_taken", lang))
    save("sites-new", screen.dialog)
    screen.dialog.hide()


def _settings_screens(window: Any, controller: Any, save: Callable[..., None]) -> None:
    desk = controller.sites
    screen = window.sites
    screen.pages.setCurrentWidget(screen.settings)
    sample = sample_policy()
    sample["policy"]["languages"] = ["fr", "nl", "en"]  # the languages this network offers
    network = calls.POLICY.read(sample)
    desk.network = network
    hours = dict(network.policy["opening_hours"])
    hours["saturday"] = [{"opens": "09:30", "closes": "12:30"}]
    hours["closures"] = [{"start": "2026-12-24", "end": "2027-01-02", "reason": "Fêtes"}]
    rules = {
        "name": "EPN Maison de quartier",
        "extra_house_rules": [SITE_RULE],
        "printing": {"price_per_page_cents": 15, "pages_per_session": 30},
        "opening_hours": hours,
    }
    desk._rules(
        calls.SITE_RULES.read(
            {
                "site_id": 1,
                "rules": rules,
                "policy": network.policy,
                "policy_version": "7c01d2e3f4a5",
            }
        )
    )
    desk.rules_saved.emit(1)
    save("sites-settings")
    page = screen.settings
    rules_box = page.house_rules
    rules_box.add.click()
    rules_box.pictures[1].setCurrentIndex(rules_box.pictures[1].findData("content"))
    rules_box.language.setCurrentIndex(rules_box.language.findData("nl"))
    rules_box.editors[1].short.setText("Gebruik een koptelefoon voor video's")
    rules_box.editors[1].long.setPlainText("Anderen willen rustig werken.")
    rules_box.language.setCurrentIndex(rules_box.language.findData("en"))
    desk.rules_refused.emit(
        {
            "extra_house_rules[1].texts": desk_words(
                "extra_house_rules[1].texts", "rule 'site-2' has no text in fr, en", desk.language
            )
        }
    )
    page.verticalScrollBar().setValue(rules_box.y())
    save("sites-rules-missing")
    page.verticalScrollBar().setValue(0)
    page.ensureWidgetVisible(page.hours)
    page.verticalScrollBar().setValue(page.hours.y())
    save("sites-hours")
    page.verticalScrollBar().setValue(0)
