"""What the Sites tab sends and draws, without a window: a site's own settings merged into
its rules (unticked goes back to the network, what the tab does not edit is kept), its own
house rules typed language by language and the console's words about them, who may be
ticked, and the room of several sites drawn site by site."""

from __future__ import annotations

import datetime as dt
from typing import Any

from admin_console.api.room import KioskTile
from admin_console.api.sites import SiteModel
from admin_console.api.staff import StaffAccount
from admin_console.gui.sites import (
    new_rule_id,
    own_values,
    room_grid,
    rule_of_error,
    rules_with,
    site_check_text,
    team_ticks,
    with_text,
)
from policies import Language

WHEN = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
EXTRA = [{"id": "calme", "pictogram": "quiet", "texts": {}}]


def test_what_the_form_loads_and_sends_back_unchanged_is_what_the_site_had() -> None:
    before = {
        "name": "EPN Nord",
        "extra_house_rules": EXTRA,
        "printing": {"pages_per_day": 80},
        "opening_hours": {"monday": []},
    }
    own = own_values(before)
    assert own == {
        "name": "EPN Nord",
        "extra_house_rules": EXTRA,
        "printing.pages_per_day": 80,
        "opening_hours": {"monday": []},
    }
    assert rules_with(before, own) == before
    # Pages per day unticked, a price ticked, the hours given back to the network: the
    # name and the house rules, still shown, are sent as they were.
    after = rules_with(
        before,
        {"name": "EPN Nord", "extra_house_rules": EXTRA, "printing.price_per_page_cents": 15},
    )
    assert after == {
        "name": "EPN Nord",
        "extra_house_rules": EXTRA,
        "printing": {"price_per_page_cents": 15},
    }
    # Nothing of its own (no rule left): everything follows the network; a setting this
    # window does not show (a newer console's) stays as it was.
    assert rules_with(after, {"extra_house_rules": []}) == {}
    assert rules_with({**after, "welcome": "Bonjour"}, {}) == {"welcome": "Bonjour"}


def test_a_rule_is_typed_language_by_language_and_a_language_left_empty_is_left_out() -> None:
    network = [{"id": "respect"}, {"id": "site-1"}]
    rule: dict[str, Any] = {
        "id": new_rule_id([*network, {"id": "site-2"}]),
        "pictogram": "equipment",
    }
    assert rule["id"] == "site-3"
    rule = with_text(rule, "fr", " Pas de nourriture près des PC ", "Les miettes abîment.")
    rule = with_text(rule, "nl", "Geen eten bij de pc's", "Kruimels beschadigen.")
    rule = with_text(rule, "en", "", "")
    assert rule["texts"] == {
        "fr": {"short": "Pas de nourriture près des PC", "long": "Les miettes abîment."},
        "nl": {"short": "Geen eten bij de pc's", "long": "Kruimels beschadigen."},
    }
    assert with_text(rule, "nl", "", "")["texts"].keys() == {"fr"}
    assert rule["pictogram"] == "equipment"


def test_the_consoles_words_about_a_rule_are_said_in_staffs_words() -> None:
    missing = "rule 'site-1' has no text in nl, en"
    assert site_check_text("extra_house_rules[0].texts", missing, Language.FR) == (
        "Pas encore écrite en Nederlands et English\u00a0: les PC proposent aussi ces "
        "langues. Choisissez-les une à une ci-dessus et tapez la règle."
    )
    short = "String should have at least 1 character"
    assert site_check_text("extra_house_rules[1].texts.nl.long", short, Language.NL) == (
        "Nederlands, uitleg: minstens 1 tekens"
    )
    assert rule_of_error("extra_house_rules[1].texts.nl.long") == (1, ".texts.nl.long")
    assert rule_of_error("printing.pages_per_day") is None


def _account(staff_id: int, username: str, role: str, sites: list[int]) -> StaffAccount:
    return StaffAccount.model_validate(
        {
            "id": staff_id,
            "username": username,
            "display_name": "",
            "role": role,
            "language": "fr",
            "disabled": username == "gone",
            "has_pin": False,
            "pin_set_at": None,
            "created_at": WHEN,
            "site_ids": sites,
        }
    )


def test_an_admin_and_oneself_cannot_be_unticked_and_a_disabled_account_is_not_listed() -> None:
    team = [
        _account(1, "ada", "admin", []),
        _account(2, "marie", "manager", [1]),
        _account(3, "nadia", "animator", [2]),
        _account(4, "gone", "animator", [1]),
    ]
    ticks = {t.label: (t.ticked, t.may_change) for t in team_ticks(team, 1, "marie", Language.EN)}
    assert ticks == {
        "ada (administrator)": (True, False),
        "marie (manager)": (True, False),
        "nadia (animator)": (False, True),
    }


def _pc(pc_id: int, site_id: int) -> KioskTile:
    return KioskTile.model_validate(
        {
            "id": pc_id,
            "name": f"PC-{pc_id}",
            "location": "",
            "online": False,
            "revoked": False,
            "last_seen_at": None,
            "help_requested": False,
            "status": None,
            "site_id": site_id,
        }
    )


def test_the_room_of_two_sites_starts_each_site_on_its_own_row_under_its_name() -> None:
    sites = [
        SiteModel(id=1, name="Maison", address="", created_at=WHEN, kiosks=3),
        SiteModel(id=2, name="Bibliothèque", address="", created_at=WHEN, kiosks=1),
    ]
    pcs = [_pc(1, 1), _pc(2, 1), _pc(3, 1), _pc(4, 2)]
    grid = room_grid(pcs, 2, sites, grouped=True)
    assert grid.titles == [(2, 0), (1, 2)]
    assert [(pc.name, row, column) for pc, row, column in grid.cells] == [
        ("PC-4", 1, 0),
        ("PC-1", 3, 0),
        ("PC-2", 3, 1),
        ("PC-3", 4, 0),
    ]
    assert grid.rows == 3
    alone = room_grid(pcs[:3], 2, sites, grouped=False)
    assert alone.titles == [] and alone.rows == 2
