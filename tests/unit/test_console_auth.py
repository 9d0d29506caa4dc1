"""Pure pieces of the console's auth and link: roles, codes, tokens, header parsing."""

from __future__ import annotations

import re

import pytest

from admin_console.server.auth import (
    Role,
    digest,
    new_pairing_code,
    new_token,
    normalise_pairing_code,
)
from admin_console.server.hub import bearer


def test_roles_are_ordered_animator_manager_admin() -> None:
    assert Role.ADMIN.allows(Role.MANAGER)
    assert Role.ADMIN.allows(Role.ANIMATOR)
    assert Role.MANAGER.allows(Role.ANIMATOR)
    assert not Role.ANIMATOR.allows(Role.MANAGER)
    assert not Role.MANAGER.allows(Role.ADMIN)
    assert all(role.allows(role) for role in Role)


def test_pairing_codes_are_easy_to_read_aloud() -> None:
    codes = {new_pairing_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", code), code


@pytest.mark.parametrize("typed", ["abcd-efgh", "ABCD EFGH", " abcdefgh ", "AbCd--eFgH"])
def test_a_pairing_code_is_recognised_however_it_is_typed(typed: str) -> None:
    assert normalise_pairing_code(typed) == "ABCDEFGH"


def test_tokens_are_long_random_and_kept_only_as_a_digest() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    token = tokens.pop()
    assert len(token) >= 43
    assert digest(token) != token
    assert len(digest(token)) == 64
    assert digest(token) == digest(token)


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer abc", "abc"),
        ("Bearer   abc  ", "abc"),
        ("Basic abc", None),
        ("Bearer", None),
        ("", None),
        (None, None),
    ],
)
def test_the_bearer_token_is_read_from_the_authorization_header(
    header: str | None, token: str | None
) -> None:
    assert bearer(header) == token
