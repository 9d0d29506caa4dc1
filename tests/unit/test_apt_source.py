"""The apt files a paired PC writes: the source names only the console's key, apt trusts
the console's CA for that host alone, and checks the host name only where the console's
certificate holds it (a PC mostly reaches its console by an address the certificate lacks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.agent.apt_source import ConsoleArchive, _named, apt_conf_text, sources_text

NAMES = [("DNS", "localhost"), ("IP Address", "127.0.0.1"), ("DNS", "Console-EPN")]


def _archive(host: str, verify_host: bool) -> ConsoleArchive:
    return ConsoleArchive(host, 8443, "-----BEGIN CERTIFICATE-----\n", b"\x98", verify_host)


@pytest.mark.parametrize(
    ("host", "named"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("console-epn", True),
        ("console-epn.", True),
        ("192.168.1.10", False),
        ("console-epn.local", False),
        ("127.0.0.2", False),
    ],
)
def test_the_host_name_is_checked_only_where_the_certificate_names_it(
    host: str, named: bool
) -> None:
    assert _named(host, NAMES) is named


def test_the_source_is_the_flat_repository_signed_by_the_console_key_only() -> None:
    text = sources_text(_archive("192.168.1.10", False), Path("/"))
    assert "Types: deb\n" in text
    assert "URIs: https://192.168.1.10:8443/apt/\n" in text
    assert "Suites: ./\n" in text
    assert "Signed-By: /etc/epn-kiosk/console-archive.gpg\n" in text


def test_apt_trusts_the_console_ca_for_its_host_alone() -> None:
    by_address = apt_conf_text(_archive("192.168.1.10", False), Path("/"))
    assert 'Acquire::https::192.168.1.10::CaInfo "/etc/epn-kiosk/console-ca.pem";' in by_address
    assert 'Acquire::https::192.168.1.10::Verify-Host "false";' in by_address
    assert "Acquire::https::CaInfo" not in by_address  # never for every host
    by_name = apt_conf_text(_archive("console-epn", True), Path("/"))
    assert "Verify-Host" not in by_name
