"""The network card a PC says in its hello, for Wake-on-LAN: found from the local
address of its console connection, on this machine's real interfaces and ``/sys``."""

from __future__ import annotations

import ipaddress
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.agent.system.network_cards import (
    SYS_CLASS_NET,
    card_address,
    card_for_address,
    parse_if_inet6,
)


def own_addresses() -> list[tuple[str, str]]:
    """(address, interface) of each address of this machine, as ``ip`` lists them."""
    ip = shutil.which("ip")
    if ip is None:
        pytest.skip("no ip command here")
    listed = json.loads(subprocess.run([ip, "-j", "addr"], capture_output=True, check=True).stdout)
    return [(a["local"], i["ifname"]) for i in listed for a in i.get("addr_info", ())]


def test_a_connection_over_the_loopback_has_no_card() -> None:
    assert card_for_address("127.0.0.1") is None
    assert card_for_address("::1") is None
    assert card_for_address("::ffff:127.0.0.1") is None
    assert card_for_address(None) is None


def test_each_address_of_this_machine_gives_the_card_of_its_interface() -> None:
    found = [
        (address, interface)
        for address, interface in own_addresses()
        if not ipaddress.ip_address(address).is_loopback
    ]
    if not found:
        pytest.skip("this machine has only the loopback")
    for address, interface in found:
        card = (SYS_CLASS_NET / interface / "address").read_text(encoding="ascii").strip()
        expected = None if card == "00:00:00:00:00:00" else card
        assert card_for_address(address) == expected, (address, interface)


def test_an_address_of_no_interface_has_no_card() -> None:
    assert card_for_address("203.0.113.77") is None
    assert card_for_address("not an address") is None


def test_virtual_and_loopback_interfaces_have_no_card(tmp_path: Path) -> None:
    for name, address, kind in (
        ("eth0", "52:54:00:AB:CD:EF\n", "1"),
        ("lo", "00:00:00:00:00:00\n", "772"),
        ("tun0", "\n", "65534"),
        ("dummy", "00:00:00:00:00:00\n", "1"),
    ):
        (tmp_path / name).mkdir()
        (tmp_path / name / "address").write_text(address, encoding="ascii")
        (tmp_path / name / "type").write_text(kind + "\n", encoding="ascii")
    assert card_address("eth0", net_dir=tmp_path) == "52:54:00:ab:cd:ef"
    for name in ("lo", "tun0", "dummy", "gone"):
        assert card_address(name, net_dir=tmp_path) is None


def test_the_kernels_ipv6_table_is_read() -> None:
    table = (
        "fe8000000000000000fc00fffe000001 04 40 20 80     eth0\n"
        "00000000000000000000000000000001 01 80 10 80       lo\n"
    )
    assert parse_if_inet6(table) == {
        ipaddress.IPv6Address("fe80::fc:ff:fe00:1"): "eth0",
        ipaddress.IPv6Address("::1"): "lo",
    }
