"""The pairing code and the exchange that proves the console's certificate with it, as pure
pieces: both sides agree only on the same code and the same certificate."""

from __future__ import annotations

import re

import pytest

from epn_shared import pairing
from kiosk.agent.discovery import FoundConsole

FINGERPRINT = "ab" * 32
OTHER_FINGERPRINT = "cd" * 32


def test_pairing_codes_are_ten_letters_easy_to_read_aloud() -> None:
    codes = {pairing.new_pairing_code().text for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}", code), code


@pytest.mark.parametrize("typed", ["abcde-fghjk", "ABCDE FGHJK", " abcdefghjk ", "AbCdE--fGhJk"])
def test_a_pairing_code_is_recognised_however_it_is_typed(typed: str) -> None:
    assert pairing.PairingCode.parse(typed) == pairing.PairingCode("AB", "CDEFGHJK")


@pytest.mark.parametrize("typed", ["ABCD-EFGH", "ABCDE-FGHJKL", "ABCDE-FGHJ0", "ABCDE-FGHJI"])
def test_a_code_of_the_wrong_length_or_letters_is_refused_with_its_form(typed: str) -> None:
    with pytest.raises(pairing.PairingError, match="like ABCDE-FGHJK"):
        pairing.PairingCode.parse(typed)


def _run(kiosk_code: pairing.PairingCode, console_code: pairing.PairingCode) -> tuple[bytes, bytes]:
    kiosk = pairing.KioskExchange(kiosk_code)
    message, console_key = pairing.console_exchange(console_code, kiosk.message)
    return kiosk.key(message), console_key


def test_the_same_code_gives_both_sides_the_same_key_and_matching_proofs() -> None:
    code = pairing.new_pairing_code()
    kiosk_key, console_key = _run(code, code)
    assert kiosk_key == console_key
    console_proof = pairing.confirmation(console_key, pairing.Side.CONSOLE, FINGERPRINT)
    assert pairing.confirmed(
        pairing.confirmation(kiosk_key, pairing.Side.CONSOLE, FINGERPRINT), console_proof
    )
    # Each side's proof is its own: the console's cannot be sent back as the PC's.
    assert not pairing.confirmed(
        pairing.confirmation(kiosk_key, pairing.Side.KIOSK, FINGERPRINT), console_proof
    )


def test_another_certificate_or_another_secret_does_not_confirm() -> None:
    code = pairing.new_pairing_code()
    kiosk_key, console_key = _run(code, code)
    proof = pairing.confirmation(console_key, pairing.Side.CONSOLE, FINGERPRINT)
    assert not pairing.confirmed(
        pairing.confirmation(kiosk_key, pairing.Side.CONSOLE, OTHER_FINGERPRINT), proof
    )
    wrong = pairing.PairingCode(code.code_id, pairing.new_pairing_code().secret)
    kiosk_key, console_key = _run(wrong, code)
    assert kiosk_key != console_key
    proof = pairing.confirmation(console_key, pairing.Side.CONSOLE, FINGERPRINT)
    assert not pairing.confirmed(
        pairing.confirmation(kiosk_key, pairing.Side.CONSOLE, FINGERPRINT), proof
    )


def test_the_secret_never_appears_in_what_is_sent() -> None:
    code = pairing.new_pairing_code()
    kiosk = pairing.KioskExchange(code)
    message, _key = pairing.console_exchange(code, kiosk.message)
    for sent in (kiosk.message, message):
        assert code.secret not in sent
        assert code.secret.lower() not in sent.lower()


def test_a_malformed_message_is_a_pairing_error_not_a_crash() -> None:
    code = pairing.new_pairing_code()
    with pytest.raises(pairing.PairingError):
        pairing.console_exchange(code, "not base64 at all!")
    with pytest.raises(pairing.PairingError):
        pairing.console_exchange(code, "AAAA")
    with pytest.raises(pairing.PairingError):
        pairing.KioskExchange(code).key(
            pairing.KioskExchange(code).message
        )  # a PC's message, reflected


def test_a_console_found_on_the_network_is_given_as_the_address_enroll_takes() -> None:
    assert FoundConsole("EPN", "192.168.1.5", 8443, 1).url == "https://192.168.1.5:8443"
    assert FoundConsole("EPN", "fd00::5", 8443, 1).url == "https://[fd00::5]:8443"
