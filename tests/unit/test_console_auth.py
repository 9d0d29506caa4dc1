"""Pure pieces of the console's auth and link: roles, codes, tokens, header parsing."""

from __future__ import annotations

import pytest

from admin_console.server.auth import Role, digest, new_token
from admin_console.server.hub import bearer


def test_roles_are_ordered_animator_manager_admin() -> None:
    assert Role.ADMIN.allows(Role.MANAGER)
    assert Role.ADMIN.allows(Role.ANIMATOR)
    assert Role.MANAGER.allows(Role.ANIMATOR)
    assert not Role.ANIMATOR.allows(Role.MANAGER)
    assert not Role.MANAGER.allows(Role.ADMIN)
    assert all(role.allows(role) for role in Role)


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
