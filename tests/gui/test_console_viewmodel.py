"""The room view's words and colours, from the console's JSON (no Qt)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from admin_console.gui import i18n
from admin_console.gui.viewmodel import (
    COLOURS,
    CommandResult,
    Outcome,
    Pc,
    TileKind,
    locked_minutes,
    outcome_of,
    result_line,
    room_order,
    tile_view,
)
from policies import Language

FR, NL, EN = Language.FR, Language.NL, Language.EN


def entry(online: bool = True, **status: Any) -> dict[str, Any]:
    """A ``KioskTile`` as the console sends it."""
    full = {
        "state": "waiting",
        "seconds_left": None,
        "login": None,
        "pages_printed": 0,
        "help_requested": False,
        "locked": False,
        "at": "2025-03-01T10:00:00Z",
    }
    full.update(status)
    return {
        "id": 3,
        "name": "PC-03",
        "location": "Salle 1",
        "online": online,
        "revoked": False,
        "last_seen_at": "2025-03-01T09:41:00+00:00",
        "help_requested": full["help_requested"],
        "status": full if online else None,
    }


@pytest.mark.parametrize(
    ("status", "kind", "headline", "detail"),
    [
        ({}, TileKind.FREE, "Libre", ""),
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
    view = tile_view(Pc.from_json(entry(**status)), FR)
    assert (view.kind, view.headline, view.detail) == (kind, headline, detail)
    assert view.colours == COLOURS[kind]
    assert (view.name, view.location) == ("PC-03", "Salle 1")


def test_an_offline_pc_says_when_it_was_last_seen() -> None:
    view = tile_view(Pc.from_json(entry(online=False)), FR, tz=dt.UTC)
    assert (view.kind, view.headline, view.detail) == (TileKind.OFFLINE, "Hors ligne", "vu à 09:41")


def test_help_stands_out_from_every_other_state() -> None:
    help_colour = COLOURS[TileKind.HELP].background
    others = {c.background for k, c in COLOURS.items() if k is not TileKind.HELP}
    assert help_colour not in others
    # Help outranks a lock: the visitor is still waiting for someone.
    view = tile_view(Pc.from_json(entry(locked=True, help_requested=True)), FR)
    assert view.kind is TileKind.HELP


def test_every_text_is_in_french_dutch_and_english() -> None:
    for key, entry_ in i18n.TEXTS.items():
        assert set(entry_) == {FR, NL, EN}, key
    assert tile_view(Pc.from_json(entry()), NL).headline == "Vrij"
    assert tile_view(Pc.from_json(entry(locked=True)), EN).headline == "Locked"


def test_room_is_ordered_by_location_then_natural_name() -> None:
    names = ["PC-10", "PC-2", "PC-1"]
    pcs = {i: Pc.from_json({**entry(), "id": i, "name": n}) for i, n in enumerate(names)}
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
    got, reason, code = outcome_of(answer)
    assert got is outcome
    line = result_line(CommandResult(3, "PC-03", "extend", 15, got, reason, code), FR)
    assert words in line.replace("+15 min", "+15\u00a0min")


def test_locked_account_says_how_many_minutes_remain() -> None:
    now = dt.datetime(2025, 3, 1, 10, 0, 30, tzinfo=dt.UTC)
    detail = "too many failed logins: the account is locked until 10:15 UTC"
    assert locked_minutes(detail, now) == 15
    assert locked_minutes("no time given", now) == 15
    assert i18n.counted("login.locked", FR, 1).endswith("dans 1 minute.")
