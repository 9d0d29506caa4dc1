"""Pairing a PC from its own screen: the shell asks over the agent's real socket, with the
animator PIN; the agent finds the console over real mDNS, pairs with a real console over
real TLS with the code alone, and links up at once, without a restart, its updates then
coming from that console. A visitor without the PIN cannot pair the PC with a console of
their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.console_server import ConsoleServer, StaffLogin
from helpers.kiosk_agent import AgentThread, ShellClient
from helpers.room_link import FAST, wait_linked
from helpers.tls_intercept import TlsInterceptor

from admin_console.api.staff import Role
from admin_console.server.announce import Announcement
from epn_shared.pairing import PairingCode, new_pairing_code
from kiosk.agent.apt_source import CA, KEYRING, SOURCES
from kiosk.agent.console_pairing import DiscoveryOptions
from kiosk.core.model import State
from kiosk.core.protocol import Reply

PIN = "2468"
EPN_NAME = "EPN Saint-Gilles"
# Real multicast DNS on the loopback interface the test console listens on (other
# consoles of this machine may answer there too).
LOOPBACK = DiscoveryOptions(seconds=5, interfaces=("127.0.0.1",))


@pytest.fixture
def console(tmp_path: Path) -> Iterator[ConsoleServer]:
    with ConsoleServer(tmp_path / "console", tls=True) as server:
        yield server


@pytest.fixture
def admin(console: ConsoleServer) -> StaffLogin:
    return console.add_staff("ada", Role.ADMIN)


@pytest.fixture
def agent() -> Iterator[AgentThread]:
    """A new PC, not paired, with an animator PIN."""
    options = {"link_options": FAST, "discovery": LOOPBACK}
    with AgentThread(animator_pin=PIN, pc_name="PC-07", agent_options=options) as running:
        yield running


@pytest.fixture
def shell(agent: AgentThread) -> Iterator[ShellClient]:
    with ShellClient(agent.socket_path, timeout=30) as client:
        client.hello()
        yield client


def new_code(console: ConsoleServer, admin: StaffLogin) -> str:
    with console.client(admin) as http:
        made = http.post("/api/pairing-codes")
    assert made.status_code == 201, made.text
    return str(made.json()["code"])


def kiosks(console: ConsoleServer, admin: StaffLogin) -> list[str]:
    with console.client(admin) as http:
        return [pc["name"] for pc in http.get("/api/kiosks").json()]


def refusal(reply: Reply) -> str | None:
    return None if reply.error is None else reply.error.code


def wrong_tries(agent: AgentThread) -> int:
    store = agent.open_store()
    try:
        return int(store.wrong_tries("animator").count)
    finally:
        store.close()


def test_staff_find_the_console_pair_with_the_code_and_the_link_is_up_without_a_restart(
    console: ConsoleServer, admin: StaffLogin, agent: AgentThread, shell: ShellClient
) -> None:
    assert not shell.latest_view().console_paired
    announced = Announcement("127.0.0.1", console.port, EPN_NAME)
    try:
        found = shell.request("find_consoles", pin=PIN)
    finally:
        announced.close()
    assert found.ok, found
    assert found.consoles is not None
    assert (EPN_NAME, console.url) in [(c.name, c.address) for c in found.consoles]
    code = new_code(console, admin)
    paired = shell.request("pair_console", pin=PIN, address=console.url, code=code.lower())
    assert paired.ok, paired
    assert paired.paired_with == EPN_NAME
    shell.wait_view(lambda v: v.console_paired)
    wait_linked(agent)  # the same agent: no restart
    assert kiosks(console, admin) == ["PC-07"]
    # Paired once: the screen does not pair it again (that is `epn-kiosk enroll`'s job).
    again = shell.request("pair_console", pin=PIN, address=console.url, code=code)
    assert refusal(again) == "already_paired"
    assert agent.engine_state() is State.WAITING


def test_an_address_typed_without_scheme_or_port_is_the_consoles(
    console: ConsoleServer, admin: StaffLogin, agent: AgentThread, shell: ShellClient
) -> None:
    typed = f"127.0.0.1:{console.port}"
    paired = shell.request("pair_console", pin=PIN, address=typed, code=new_code(console, admin))
    assert paired.ok, paired
    assert paired.paired_with == "127.0.0.1"  # not announced: its address names it
    wait_linked(agent)


def test_a_wrong_pin_is_refused_counted_and_nothing_is_paired(
    console: ConsoleServer, admin: StaffLogin, agent: AgentThread, shell: ShellClient
) -> None:
    code = new_code(console, admin)
    assert refusal(shell.request("find_consoles", pin="1111")) == "wrong_pin"
    paired = shell.request("pair_console", pin="1357", address=console.url, code=code)
    assert refusal(paired) == "wrong_pin"
    assert wrong_tries(agent) == 2
    assert not (agent.data_dir / "console.json").exists()
    assert kiosks(console, admin) == []
    # The code was never used: staff with the PIN pair with it.
    assert shell.request("pair_console", pin=PIN, address=console.url, code=code).ok


def test_a_wrong_code_is_refused_and_spent_and_the_pc_stays_unpaired(
    console: ConsoleServer, admin: StaffLogin, agent: AgentThread, shell: ShellClient
) -> None:
    code = PairingCode.parse(new_code(console, admin))
    typo = PairingCode(code.code_id, new_pairing_code().secret)
    wrong = shell.request("pair_console", pin=PIN, address=console.url, code=typo.text)
    assert refusal(wrong) == "pairing_not_proved"
    right = shell.request("pair_console", pin=PIN, address=console.url, code=code.text)
    assert refusal(right) == "pairing_code_refused", "the code was spent by the wrong try"
    assert not (agent.data_dir / "console.json").exists()
    assert not shell.latest_view().console_paired
    assert kiosks(console, admin) == []
    # A code not of the pairing form never leaves the PC.
    assert refusal(shell.request("pair_console", pin=PIN, address=console.url, code="12")) == (
        "bad_pairing_code"
    )


def test_a_machine_in_the_middle_is_refused(
    console: ConsoleServer,
    admin: StaffLogin,
    agent: AgentThread,
    shell: ShellClient,
    tmp_path: Path,
) -> None:
    middle = TlsInterceptor(tmp_path / "impostor", console.port)
    try:
        paired = shell.request(
            "pair_console", pin=PIN, address=middle.url, code=new_code(console, admin)
        )
    finally:
        middle.stop()
    assert refusal(paired) == "pairing_in_the_middle"  # not "mistyped": the code was right
    assert not (agent.data_dir / "console.json").exists()
    assert kiosks(console, admin) == []


def test_no_console_at_the_address_typed_is_said(agent: AgentThread, shell: ShellClient) -> None:
    nobody = "https://127.0.0.1:9"
    paired = shell.request("pair_console", pin=PIN, address=nobody, code="ABCDE-FGHJK")
    assert refusal(paired) == "console_unreachable"
    assert refusal(shell.request("pair_console", pin=PIN, address="a b", code="ABCDE-FGHJK")) == (
        "bad_console_address"
    )


def test_a_visitor_cannot_pair_the_pc_with_a_console_of_their_own(
    tmp_path: Path, agent: AgentThread, shell: ShellClient
) -> None:
    # The visitor serves a console and makes a code on it; their shell speaks to the agent.
    with ConsoleServer(tmp_path / "theirs", tls=True) as theirs:
        owner = theirs.add_staff("mallory", Role.ADMIN)
        shell.start_session()
        for guess in ("0000", "1234"):
            tried = shell.request(
                "pair_console", pin=guess, address=theirs.url, code=new_code(theirs, owner)
            )
            assert refusal(tried) == "wrong_pin"
        assert kiosks(theirs, owner) == []
    assert not (agent.data_dir / "console.json").exists()
    assert agent.call(lambda: agent.agent.link) is None


def test_a_pc_without_animator_pin_cannot_be_paired_from_its_screen(
    console: ConsoleServer, admin: StaffLogin
) -> None:
    code = new_code(console, admin)
    with (
        AgentThread(agent_options={"discovery": LOOPBACK}) as unguarded,
        ShellClient(unguarded.socket_path) as client,
    ):
        client.hello()
        tried = client.request("pair_console", pin="", address=console.url, code=code)
    assert refusal(tried) == "wrong_pin"
    assert kiosks(console, admin) == []


@pytest.fixture
def kiosk_root(tmp_path: Path) -> Path:
    return tmp_path / "root"


@pytest.fixture
def kiosk(kiosk_root: Path) -> Iterator[AgentThread]:
    """A new PC whose pairing writes its apt source under ``kiosk_root``, as a kiosk under /."""
    options = {"link_options": FAST, "discovery": LOOPBACK}
    with AgentThread(
        animator_pin=PIN,
        pc_name="PC-08",
        agent_options=options,
        config_options={"apt_root": kiosk_root},
    ) as running:
        yield running


def test_paired_from_its_screen_a_pc_takes_its_updates_from_the_console(
    console: ConsoleServer, admin: StaffLogin, kiosk: AgentThread, kiosk_root: Path
) -> None:
    console.console.apt.ensure()
    with ShellClient(kiosk.socket_path, timeout=30) as shell:
        shell.hello()
        code = new_code(console, admin)
        assert shell.request("pair_console", pin=PIN, address=console.url, code=code).ok
    sources = (kiosk_root / SOURCES).read_text()
    assert f"URIs: {console.url}/apt/\n" in sources
    with console.client() as http:
        assert (kiosk_root / KEYRING).read_bytes() == http.get("/apt/archive-key.gpg").content
    assert (kiosk_root / CA).read_text() == (console.data_dir / "tls/ca.pem").read_text()


def test_a_machine_in_the_middle_relaying_the_console_key_is_refused_and_nothing_written(
    console: ConsoleServer,
    admin: StaffLogin,
    kiosk: AgentThread,
    kiosk_root: Path,
    tmp_path: Path,
) -> None:
    console.console.apt.ensure()
    middle = TlsInterceptor(tmp_path / "impostor", console.port)
    try:
        with ShellClient(kiosk.socket_path, timeout=30) as shell:
            shell.hello()
            code = new_code(console, admin)
            paired = shell.request("pair_console", pin=PIN, address=middle.url, code=code)
    finally:
        middle.stop()
    assert refusal(paired) == "pairing_in_the_middle"
    assert not kiosk_root.exists()
    assert not (kiosk.data_dir / "console.json").exists()
    assert kiosks(console, admin) == []
