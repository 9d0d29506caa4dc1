"""Pairing codes made at the same moment, on the real repository (SQLite and PostgreSQL):
two open codes never share an id, so each PC enrols with the code it was given; and the
console still refuses a code when every id is open.

The collision is forced, not hoped for: both staff members read the open ids before
either keeps a code, and the code maker draws the same id for both."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest_pg import database_url, postgres, repos

from admin_console.server import pairing as pairing_module
from admin_console.server.clock import FakeClock
from admin_console.server.db.repositories import Repositories
from admin_console.server.errors import Conflict
from admin_console.server.pairing import MAX_OPEN_IDS, PAIRING_CODE_LIFETIME, Pairing
from epn_shared.pairing import READABLE_ALPHABET, PairingCode, new_pairing_code

__all__ = ["database_url", "postgres", "repos"]

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
KEY = b"p" * 32


def test_two_codes_made_at_the_same_moment_get_two_ids_and_both_pcs_enrol(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    pairing = Pairing(repos, FakeClock(NOW), KEY)
    both_drew = threading.Barrier(2, timeout=30)
    draws = itertools.count()

    def same_id_twice(code_id: str | None = None) -> PairingCode:
        if next(draws) < 2:
            # Each of the two has read the open ids by now, and draws "AB".
            both_drew.wait()
            return new_pairing_code("AB")
        return new_pairing_code(code_id)

    monkeypatch.setattr(pairing_module, "new_pairing_code", same_id_twice)
    with ThreadPoolExecutor(2) as pool:
        made = list(pool.map(lambda who: pairing.create(who)[0], ["ana", "bob"]))
    ids = [code.code_id for code in made]
    assert len(set(ids)) == 2, f"two open codes share the id {ids[0]}"
    assert repos.kiosks.open_code_ids(NOW) == set(ids)
    enrolled = [
        pairing.enroll(code.plain, f"PC-{n}", "salle 1", f"{n:064x}")
        for n, code in enumerate(made, start=1)
    ]
    assert sorted(kiosk.name for kiosk, _who in enrolled) == ["PC-1", "PC-2"]
    assert sorted(who for _kiosk, who in enrolled) == ["ana", "bob"]


def test_when_every_id_is_open_the_next_code_is_refused_and_one_used_frees_its_id(
    repos: Repositories,
) -> None:
    pairing = Pairing(repos, FakeClock(NOW), KEY)
    ids = ["".join(pair) for pair in itertools.product(READABLE_ALPHABET, repeat=2)]
    assert len(ids) == MAX_OPEN_IDS
    for n, code_id in enumerate(ids):
        repos.kiosks.add_pairing_code(
            f"{n:064x}",
            "ana",
            NOW,
            NOW + PAIRING_CODE_LIFETIME,
            code_id=code_id,
            secret_sealed="sealed",
            site_id=1,
        )
    with pytest.raises(Conflict, match="too many pairing codes are open"):
        pairing.create("bob")
    repos.kiosks.spend_pairing_code("AB", NOW)
    code, _until = pairing.create("bob")
    assert code.code_id == "AB"
