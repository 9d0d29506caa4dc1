"""The PCs' power, the pure parts: the command a real PC runs, and the Wake-on-LAN packet."""

from __future__ import annotations

import pytest

from admin_console.server.wake import magic_packet
from kiosk.agent.system.power import PowerAction, power_command


def test_a_real_pc_restarts_and_switches_off_through_systemd() -> None:
    assert power_command(PowerAction.RESTART) == ("systemctl", "reboot")
    assert power_command(PowerAction.SHUT_DOWN) == ("systemctl", "poweroff")


def test_the_magic_packet_is_six_ff_then_the_card_sixteen_times() -> None:
    packet = magic_packet("00:1a:2b:3c:4d:5e")
    assert len(packet) == 102
    assert packet[:6] == b"\xff" * 6
    assert packet[6:] == bytes([0x00, 0x1A, 0x2B, 0x3C, 0x4D, 0x5E]) * 16


@pytest.mark.parametrize("mac", ["", "00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5e", "00:1a:2b:3c:4d"])
def test_only_a_card_address_as_the_pcs_say_it_makes_a_packet(mac: str) -> None:
    with pytest.raises(ValueError, match="network card"):
        magic_packet(mac)
