"""What the Sites tab sends and draws, without a window: a site's own settings merged into
its rules (unticked goes back to the network, what the tab does not edit is kept), who may
be ticked, and the room of several sites drawn site by site."""

from __future__ import annotations

import datetime as dt

from admin_console.api.room import KioskTile
from admin_console.api.sites import SiteModel
from admin_console.api.staff import StaffAccount
from admin_console.gui.sites import own_values, room_grid, rules_with, team_ticks
from policies import Language

WHEN = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
EXTRA = [{"id": "calme", "pictogram": "quiet", "texts": {}}]


def test_saving_the_print_price_keeps_the_sites_extra_house_rules_and_name() -> None:
    before = {
        "name": "EPN Nord",
        "extra_house_rules": EXTRA,
        "printing": {"pages_per_day": 80},
        "opening_hours": {"monday": []},
    }
    own = own_values(before)
    assert own == {"printing.pages_per_day": 80, "opening_hours": {"monday": []}}
    # Pages per day unticked, a price ticked, the hours given back to the network.
    after = rules_with(before, {"printing.price_per_page_cents": 15})
    assert after == {
        "name": "EPN Nord",
        "extra_house_rules": EXTRA,
        "printing": {"price_per_page_cents": 15},
    }
    assert rules_with(after, {}) == {"name": "EPN Nord", "extra_house_rules": EXTRA}


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
