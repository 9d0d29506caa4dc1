"""The room view's words and colours, from the console's JSON read as the API's models (no
Qt)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from helpers.console_scenes import sample_pc

from admin_console.api.room import CommandResponse, KioskTile
from admin_console.api.workshops import WorkshopResult
from admin_console.gui import i18n
from admin_console.gui.viewmodel import (
    COLOURS,
    CommandResult,
    Outcome,
    TileKind,
    locked_minutes,
    outcome_of,
    result_line,
    room_order,
    seconds_left_at,
    tile_view,
    time_left,
    workshop_refusals,
)
from policies import Language

FR, NL, EN = Language.FR, Language.NL, Language.EN


def entry(online: bool = True, **status: Any) -> dict[str, Any]:
    """PC-03's ``KioskTile`` as the console sends it."""
    return sample_pc(3, "PC-03", online, **status)


@pytest.mark.parametrize(
    ("status", "kind", "headline", "detail"),
    [
        ({}, TileKind.FREE, "Libre", ""),
        ({"updating": True}, TileKind.FREE, "Mise à jour…", ""),
        (
            {"state": "active", "seconds_left": 1500, "login": "ticket"},
            TileKind.IN_SESSION,
            "En session",
            "25 min restantes · ticket",
        ),
        (
            {"state": "warned", "seconds_left": 30, "login": "walk_in"},
            TileKind.IN_SESSION,
            "En session",
            "moins d'une minute · accès libre",
        ),
        (
            {"state": "active", "seconds_left": 3900, "login": "member"},
            TileKind.IN_SESSION,
            "En session",
            "1 h 05 restantes · membre",
        ),
        ({"state": "rules", "login": "walk_in"}, TileKind.IN_SESSION, "Lit le règlement", ""),
        (
            {"state": "active", "seconds_left": 600, "login": "walk_in", "help_requested": True},
            TileKind.HELP,
            "Demande de l'aide\u00a0!",
            "10 min restantes · accès libre",
        ),
        ({"locked": True}, TileKind.LOCKED, "Verrouillé", ""),
        ({"state": "ending"}, TileKind.ENDING, "Fin de session", ""),
        ({"state": "wiping"}, TileKind.ENDING, "Effacement…", ""),
    ],
)
def test_each_state_has_its_words_and_colour(
    status: dict[str, Any], kind: TileKind, headline: str, detail: str
) -> None:
    view = tile_view(KioskTile.model_validate(entry(**status)), FR)
    assert (view.kind, view.headline, view.detail) == (kind, headline, detail)
    assert view.colours == COLOURS[kind]
    assert (view.name, view.location) == ("PC-03", "Salle 1")


def test_an_offline_pc_says_when_it_was_last_seen() -> None:
    view = tile_view(KioskTile.model_validate(entry(online=False)), FR, tz=dt.UTC)
    assert (view.kind, view.headline, view.detail) == (TileKind.OFFLINE, "Hors ligne", "vu à 09:41")


def test_help_stands_out_from_every_other_state() -> None:
    help_colour = COLOURS[TileKind.HELP].background
    others = {c.background for k, c in COLOURS.items() if k is not TileKind.HELP}
    assert help_colour not in others
    # Help outranks a lock: the visitor is still waiting for someone.
    view = tile_view(KioskTile.model_validate(entry(locked=True, help_requested=True)), FR)
    assert view.kind is TileKind.HELP


def test_the_tiles_speak_french_dutch_and_english() -> None:
    assert i18n.CATALOGUE.languages() == ("fr", "nl")  # English is the source
    assert tile_view(KioskTile.model_validate(entry()), NL).headline == "Vrij"
    assert tile_view(KioskTile.model_validate(entry(locked=True)), EN).headline == "Locked"


def test_room_is_ordered_by_location_then_natural_name() -> None:
    names = ["PC-10", "PC-2", "PC-1"]
    pcs = {
        i: KioskTile.model_validate({**entry(), "id": i, "name": n}) for i, n in enumerate(names)
    }
    assert [pc.name for pc in room_order(pcs)] == ["PC-1", "PC-2", "PC-10"]


@pytest.mark.parametrize(
    ("answer", "outcome", "words"),
    [
        ({"status": "done"}, Outcome.DONE, "PC-03 — +15\u00a0min\u00a0: fait"),
        ({"status": "offline"}, Outcome.OFFLINE, "hors ligne"),
        ({"status": "pending"}, Outcome.PENDING, "pas encore de réponse"),
        (
            {"status": "failed", "code": "no_session", "message": "no session to extend"},
            Outcome.REFUSED,
            "refusé\u00a0: pas de session en cours",
        ),
        (
            {"status": "failed", "code": "some_new_code", "message": "the PC said why"},
            Outcome.REFUSED,
            "refusé\u00a0: the PC said why",
        ),
    ],
)
def test_command_answers_in_words(answer: dict[str, Any], outcome: Outcome, words: str) -> None:
    got, reason, code = outcome_of(
        CommandResponse(command_id="c1", kiosk_id=3, action="extend", **answer)
    )
    assert got is outcome
    line = result_line(CommandResult(3, "PC-03", "extend", 15, got, reason, code), FR)
    assert words in line.replace("+15 min", "+15\u00a0min")


def test_a_computer_told_to_wait_says_how_many_minutes_remain() -> None:
    now = dt.datetime(2025, 3, 1, 10, 0, 30, tzinfo=dt.UTC)
    detail = "too many wrong logins from this computer: try again after 10:15 UTC"
    assert locked_minutes(detail, now) == 15
    assert locked_minutes("try again after 10:01 UTC", now) == 1
    assert locked_minutes("no time given", now) == 15
    assert i18n.counted("login.locked", FR, 1).endswith("dans 1 minute.")


# -- refusals, tickets, help calls ----------------------------------------------------------


def test_every_refusal_a_pc_can_send_has_a_sentence_for_staff() -> None:
    from admin_console.gui.viewmodel import reason_text
    from kiosk.core.errors import Refusal

    codes = [r.value for r in Refusal] + [
        "offline",
        "not_allowed",
        "bad_policy",
        "internal_error",
        "in_session",
        "wiping",
    ]
    for code in codes:
        for language in (FR, NL, EN):
            said = reason_text(code, "english message", language)
            assert said != "english message", (code, language)
    assert reason_text("busy", "", NL) == "de pc is bezig (hij herstart of stopt)"
    assert reason_text(None, "", FR) == "sans raison donnée"


def test_a_failed_call_is_said_in_words() -> None:
    from admin_console.gui.client import Failure, Reply
    from admin_console.gui.tab_controller import api_error

    assert api_error(Reply(0, None, Failure.UNREACHABLE), FR).startswith("La console ne répond")
    forbidden = Reply(403, {"detail": "managers only"})
    assert api_error(forbidden, EN) == (
        "The console answered with an error: your account may not do this"
    )
    coded = Reply(409, {"detail": "x", "code": "offline"})
    assert api_error(coded, FR).endswith("le PC est hors ligne\u00a0: rien n'a été envoyé")
    field = Reply(422, {"detail": "pin: too short", "errors": [{"field": "pin", "message": "m"}]})
    assert api_error(field, EN).endswith("pin: m")
    short = Reply(
        422,
        {"errors": [{"field": "pin", "message": "String should have at least 4 characters"}]},
    )
    assert api_error(short, FR).endswith("pin: au moins 4 caractères")
    assert field.fields == {"pin": "m"}


def test_ticket_dates_and_codes() -> None:
    from admin_console.gui.tickets import end_of_month, group_code, last_moment

    assert end_of_month(dt.date(2028, 2, 10)) == dt.date(2028, 2, 29)
    assert end_of_month(dt.date(2026, 12, 31)) == dt.date(2026, 12, 31)
    moment = last_moment(dt.date(2026, 3, 31), dt.UTC)
    assert moment == dt.datetime(2026, 3, 31, 23, 59, 59, tzinfo=dt.UTC)
    # The console's grouping is kept, whatever the length; bare digits are grouped by four.
    assert group_code("123-45-678-9012") == "123-45-678-9012"
    assert group_code("12345678") == "1234-5678"


def test_a_help_call_says_how_long_the_visitor_waits() -> None:
    from admin_console.api.help import HelpCallModel
    from admin_console.gui.helpqueue import call_line

    asked = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    waiting = HelpCallModel(
        id=1,
        kiosk_id=3,
        kiosk_name="PC-03",
        requested_at=asked,
        waiting_seconds=0,
        taken_at=None,
        taken_by=None,
        done_at=None,
        done_by=None,
        accompanied_seconds=None,
    )
    assert call_line(waiting, asked + dt.timedelta(seconds=20), FR, "nadia") == (
        "PC-03 — attend depuis peu"
    )
    assert call_line(waiting, asked + dt.timedelta(minutes=7), NL, "nadia") == (
        "PC-03 — wacht al 7 min"
    )
    taken = waiting.model_copy(
        update={
            "waiting_seconds": 180,
            "taken_at": asked + dt.timedelta(minutes=3),
            "taken_by": "youssef",
        }
    )
    later = asked + dt.timedelta(minutes=30)
    assert call_line(taken, later, FR, "nadia") == "PC-03 — attend depuis 3 min · youssef y va"
    assert call_line(taken, later, EN, "youssef").endswith("you are going")


def test_an_out_of_order_pc_says_so_whatever_it_reports() -> None:
    data = {**entry(state="active", seconds_left=600), "out_of_order": True}
    data["out_of_order_reason"] = "Écran cassé"
    view = tile_view(KioskTile.model_validate(data), FR)
    assert (view.kind, view.headline, view.detail) == (
        TileKind.OUT_OF_ORDER,
        "Hors service",
        "Écran cassé",
    )


def test_a_workshop_result_reads_its_code() -> None:
    assert outcome_of(WorkshopResult(kiosk_id=1, ok=True))[0] is Outcome.DONE
    offline = WorkshopResult(kiosk_id=1, ok=False, code="offline")
    assert outcome_of(offline)[0] is Outcome.OFFLINE
    pending = WorkshopResult(kiosk_id=1, ok=False, code="pending")
    assert outcome_of(pending)[0] is Outcome.PENDING
    assert outcome_of(WorkshopResult(kiosk_id=1, ok=False, code="busy", message="m")) == (
        Outcome.REFUSED,
        "m",
        "busy",
    )


def test_the_time_left_counts_down_from_the_deadline_and_rounds_up_as_the_bar() -> None:
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    deadline = (now + dt.timedelta(minutes=25, seconds=0.4)).isoformat()
    pc = KioskTile.model_validate(entry(state="active", seconds_left=1800, deadline=deadline))
    assert pc.status is not None
    assert seconds_left_at(pc.status, now) == 25 * 60 + 1  # not the stale 1800
    later = now + dt.timedelta(minutes=10, seconds=30)
    assert seconds_left_at(pc.status, later) == 14 * 60 + 31
    assert "15 min restantes" in tile_view(pc, FR, now=later).detail  # 14 min 31 s: the 15th
    assert seconds_left_at(pc.status, now + dt.timedelta(hours=1)) == 0
    # A PC that sends no deadline: the figure it said.
    old = KioskTile.model_validate(entry(state="active", seconds_left=1500))
    assert old.status is not None and seconds_left_at(old.status, later) == 1500
    assert time_left(61, FR) == "2 min restantes"
    assert time_left(3600, FR) == "1 h 00 restantes"


def test_a_workshop_that_did_not_start_everywhere_names_each_pc_and_why() -> None:
    results = [
        CommandResult(1, "PC-01", "workshop", 60, Outcome.DONE),
        CommandResult(2, "PC-02", "workshop", 60, Outcome.REFUSED, "a visitor", "in_session"),
        CommandResult(3, "PC-03", "workshop", 60, Outcome.OFFLINE, "", "offline"),
    ]
    assert workshop_refusals(results, EN) == [
        "Workshop not started on 2 PCs:",
        "PC-02: a visitor is in session",
        "PC-03: the PC is offline: nothing was sent",
    ]
    assert workshop_refusals(results[:1], FR) == []
    extended = [CommandResult(2, "PC-02", "extend", 15, Outcome.REFUSED, "", "no_session")]
    assert workshop_refusals(extended, FR) == []
