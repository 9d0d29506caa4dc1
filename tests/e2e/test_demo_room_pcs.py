"""The demo room's PCs as a visitor uses them: programs that save in the visitor's home and
print through the PC's own cupsd, the demo member card online and with the console stopped,
and a shell window that is killed and comes back to its session.

One room for the module (the console, three agents each with its cupsd, the shells of PC-02
and PC-03 as processes); the test speaks for PC-01's visitor through the agent's socket, as
the shell does. The member test stops the console: it comes last.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from helpers.kiosk_agent import ShellClient
from helpers.print_documents import write_pdf
from helpers.processes import DEADLINE, demo_room, wait_for

from installer.demo.room import (
    DEMO_ADMIN,
    DEMO_ANIMATOR,
    DEMO_ANIMATOR_NAME,
    DEMO_ANIMATOR_PIN,
    DEMO_MEMBER_CARD,
    DEMO_MEMBER_PIN,
    PC_NAMES,
    DemoRoom,
)
from kiosk.core.model import State
from kiosk.core.protocol import View

pytestmark = pytest.mark.slow


def agent_events(room: DemoRoom, pc: str, name: str) -> list[dict[str, object]]:
    """The events called ``name`` in ``pc``'s agent log, oldest first."""
    found = []
    for line in (room.pc_dir(pc) / "agent.log").read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("event") == name:
            found.append(entry)
    return found


@pytest.fixture(scope="module")
def room() -> Iterator[DemoRoom]:
    if shutil.which("cupsd") is None and not Path("/usr/sbin/cupsd").exists():
        pytest.skip("needs cupsd (Debian package cups, installed by installer/dev.sh)")
    with demo_room(screens=False, shell_for=PC_NAMES[1:]) as running:
        yield running


@pytest.fixture
def visitor(room: DemoRoom) -> Iterator[ShellClient]:
    """PC-01's shell, as the test speaks it."""
    with ShellClient(room.sockets["PC-01"], timeout=DEADLINE) as shell:
        shell.hello()
        yield shell


@contextlib.contextmanager
def staff(room: DemoRoom, account: tuple[str, str]) -> Iterator[httpx.Client]:
    """The console's API, logged in as ``account``."""
    with httpx.Client(base_url=room.url, timeout=30) as http:
        login = http.post("/api/login", json={"username": account[0], "password": account[1]})
        assert login.status_code == 200, login.text
        http.headers["Authorization"] = f"Bearer {login.json()['token']}"
        yield http


def asked(shell: ShellClient, waiting: str, pages: int) -> View:
    return shell.wait_view(
        lambda v: (
            v.print_job is not None
            and v.print_job.waiting == waiting
            and v.print_job.pages == pages
        )
    )


def end_session(shell: ShellClient) -> View:
    """The visitor logs out; the view once the home is wiped."""
    assert shell.request("end_session").ok
    done = shell.wait_view(lambda v: v.state is State.DONE and v.receipt is not None)
    assert shell.request("dismiss_receipt").ok
    return done


def test_a_letter_saved_in_the_home_is_printed_through_the_pc_counted_and_wiped(
    room: DemoRoom, visitor: ShellClient, tmp_path: Path
) -> None:
    soffice = shutil.which("soffice")  # installed by installer/dev.sh demo, not by test
    pc01 = room.kiosk_ids["PC-01"]
    visitor.start_session()
    env = room.app_env("PC-01")
    home = Path(env["HOME"])
    assert home == room.home("PC-01")
    documents = home / "Documents"
    profile = home / ".config" / "libreoffice" / "4" / "user"
    skeleton_profile = {"registrymodifications.xcu"}  # the tip of the day is off

    if soffice is not None:
        # Writer, as the launcher starts it (the shell's environment), saves a letter under
        # HOME, then prints it to the default printer: the PC's held queue.
        letter = tmp_path / "lettre.txt"
        letter.write_text("Madame, Monsieur,\nJe vous adresse ma candidature.\n", encoding="utf-8")
        for args in (
            ["--convert-to", "odt", "--outdir", str(documents), str(letter)],
            ["-p", str(documents / "lettre.odt")],
        ):
            subprocess.run(
                [soffice, "--headless", *args],
                env=env,
                cwd=home,
                capture_output=True,
                timeout=120,
                check=True,
            )
        assert {p.name for p in profile.iterdir()} > skeleton_profile  # Writer's, in the home
    else:
        # Without LibreOffice, a program in the shell's environment does what Writer does.
        script = (
            "import os, pathlib, subprocess, sys\n"
            "letter = pathlib.Path.home() / 'Documents' / 'lettre.odt'\n"
            "letter.write_text('Madame, Monsieur,')\n"
            "subprocess.run(['lp', sys.argv[1]], check=True)\n"
        )
        one_page = write_pdf(tmp_path / "lettre.pdf", 1)
        subprocess.run([sys.executable, "-c", script, str(one_page)], env=env, check=True)
    assert (documents / "lettre.odt").is_file()
    # The visitor confirms the page.
    first = asked(visitor, "confirm", 1).print_job
    assert first is not None
    assert visitor.request("print_answer", job_id=first.job_id, print_it=True).ok
    visitor.wait_view(lambda v: v.pages_printed == 1)

    # 21 more pages with lp, as any program prints: over the session's 20, the PC waits for
    # an animator, who grants 2 pages from the console; then the visitor confirms.
    pdf = write_pdf(tmp_path / "dossier.pdf", 21)
    sent = subprocess.run(
        ["lp", str(pdf)], env=env, capture_output=True, text=True, timeout=30, check=True
    )
    found = re.search(r"request id is kiosk-(\d+)", sent.stdout)
    assert found is not None, sent.stdout
    job = int(found.group(1))
    over = asked(visitor, "over_quota", 21).print_job
    assert over is not None and over.job_id == job
    with staff(room, DEMO_ANIMATOR) as animator:
        granted = animator.post(
            f"/api/kiosks/{pc01}/commands", json={"action": "grant_pages", "pages": 2}
        )
        assert granted.status_code == 200, granted.text
    asked(visitor, "confirm", 21)
    assert visitor.request("print_answer", job_id=job, print_it=True).ok
    visitor.wait_view(lambda v: v.pages_printed == 22)

    # The pages reached the PC's printer, in the room's data folder.
    device = room.printed_dir / "PC-01"

    def printed() -> int:
        log = room.printed_dir / "device.jsonl"
        runs = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        return sum(run["pages"] for run in runs if run["job"] in (first.job_id, job))

    wait_for("the printer to print both jobs", lambda: printed() == 22)
    assert (device / f"job-{job}").is_file() and (device / f"job-{first.job_id}").is_file()

    # Logout wipes the letter and Writer's profile with the rest of the home.
    done = end_session(visitor)
    assert done.receipt is not None
    assert not (documents / "lettre.odt").exists()
    assert {p.name for p in profile.iterdir()} == skeleton_profile  # Writer's profile too
    assert (home / "Documents").is_dir()  # the skeleton is back

    # The console's usage review counts the session's 22 pages for PC-01.
    # The console counts the room's local days (Europe/Brussels): after 23:00 UTC the room is
    # already on the next day, so the period spans this machine's day on either side.
    today = dt.date.today()
    days = {
        "start": (today - dt.timedelta(days=1)).isoformat(),
        "end": (today + dt.timedelta(days=1)).isoformat(),
    }
    with staff(room, DEMO_ADMIN) as http:

        def counted() -> bool:
            report = http.get("/api/usage", params=days).raise_for_status().json()
            row = next(k for k in report["per_kiosk"] if k["kiosk_id"] == pc01)
            return bool(row["pages"] == 22 == report["totals"]["pages"])

        wait_for("the usage review to count the pages", counted)


def test_firefox_as_the_launcher_starts_it_reads_the_room_policies(room: DemoRoom) -> None:
    if not Path("/usr/lib/firefox-esr/firefox-esr").exists():
        pytest.skip("needs Firefox ESR (installed by installer/dev.sh demo)")
    env = room.app_env("PC-03")
    # The launcher runs "firefox-esr" from PATH: this PC's wrapper comes first.
    wrapper = shutil.which("firefox-esr", path=env["PATH"])
    assert wrapper == str(room.pc_dir("PC-03") / "bin" / "firefox-esr")
    policies = room.pc_dir("PC-03") / "firefox" / "distribution" / "policies.json"
    assert json.loads(policies.read_text())["policies"]["DownloadDirectory"] == str(
        room.home("PC-03") / "Downloads"
    )
    # Firefox says where it read its policies from when asked to log them.
    profile = room.home("PC-03") / ".mozilla" / "epn-demo"
    profile.mkdir(parents=True)
    (profile / "user.js").write_text(
        'user_pref("browser.policies.loglevel", "debug");\n'
        'user_pref("browser.dom.window.dump.enabled", true);\n'
        'user_pref("devtools.console.stdout.chrome", true);\n'
    )
    log = room.pc_dir("PC-03") / "firefox.log"
    with log.open("wb") as out:
        firefox = subprocess.Popen(
            ["firefox-esr", "--headless", "about:blank"], env=env, stdout=out, stderr=out
        )
    try:
        wait_for(
            "Firefox to read its policies",
            lambda: f"policies.json path = {policies}" in log.read_text(errors="replace"),
            60,
        )
        assert "policies.json content = {" in log.read_text(errors="replace")
    finally:
        firefox.terminate()
        try:
            firefox.wait(30)
        except subprocess.TimeoutExpired:
            firefox.kill()
            firefox.wait()
    shutil.rmtree(room.home("PC-03") / ".mozilla")


def test_a_killed_shell_is_started_again_and_finds_its_session(room: DemoRoom) -> None:
    shell = room.child("shell PC-02")
    other = room.child("shell PC-03")
    assert shell is not None and other is not None
    wait_for(
        "PC-02's shell to connect",
        lambda: any(
            e.get("client") != "test" for e in agent_events(room, "PC-02", "shell_connected")
        ),
    )
    with ShellClient(room.sockets["PC-02"], timeout=DEADLINE) as visitor:
        visitor.hello()
        before = visitor.start_session()
    assert before.seconds_left is not None

    killed = shell.pid
    os.kill(killed, signal.SIGKILL)
    wait_for("the room to see the shell gone", lambda: (room.tend(), shell.ended())[1])
    wait_for("the agent to see the shell gone", lambda: agent_events(room, "PC-02", "shell_lost"))

    def started_again() -> bool:
        room.tend()
        again = room.child("shell PC-02")
        return again is not None and again.pid != killed and not again.ended()

    wait_for("the shell to start again", started_again)
    wait_for(
        "the new shell to find the session",
        lambda: any(e.get("state") == "active" for e in agent_events(room, "PC-02", "shell_back")),
    )
    with ShellClient(room.sockets["PC-02"], timeout=DEADLINE) as visitor:
        visitor.hello()
        view = visitor.latest_view()
        assert view.state is State.ACTIVE
        assert view.seconds_left is not None and before.seconds_left - view.seconds_left < 60
        end_session(visitor)
    # The rest of the room ran on.
    assert not other.ended() and room.child("shell PC-03") is other
    assert room.online() == list(PC_NAMES)


def member_login(shell: ShellClient) -> View:
    return shell.start_session(mode="member", card=DEMO_MEMBER_CARD, pin=DEMO_MEMBER_PIN)


def test_the_demo_card_logs_in_online_and_with_the_console_stopped(
    room: DemoRoom, visitor: ShellClient
) -> None:
    # Online: the console checks the card (it knows it), not the PC's store.
    assert member_login(visitor).state is State.ACTIVE
    assert agent_events(room, "PC-01", "member_offline") == []
    end_session(visitor)

    console = room.child("console")
    assert console is not None
    console.stop()
    # Offline, per the policy's members.offline = "last_known": on the PC that saw the card
    # online, and on one that never did (the demo seeds what it would have learnt).
    assert member_login(visitor).state is State.ACTIVE
    assert len(agent_events(room, "PC-01", "member_offline")) == 1
    end_session(visitor)
    with ShellClient(room.sockets["PC-03"], timeout=DEADLINE) as other:
        other.hello()
        assert member_login(other).state is State.ACTIVE
        end_session(other)
    assert len(agent_events(room, "PC-03", "member_offline")) == 1
    # A wrong PIN is still refused offline.
    reply = visitor.request(
        "login", mode="member", language="fr", card=DEMO_MEMBER_CARD, pin="1111"
    )
    assert not reply.ok


def test_the_demo_animator_touches_their_name_and_the_staff_menu_greets_them(
    room: DemoRoom,
) -> None:
    # The demo set Sam's own PIN at the console; each PC got Sam in its staff roster.
    with ShellClient(room.sockets["PC-02"], timeout=DEADLINE) as shell:
        shell.hello()
        view = shell.wait_view(lambda v: [s.name for s in v.staff] == [DEMO_ANIMATOR_NAME])
        (sam,) = view.staff
        wrong = shell.request("animator", pin="9090", action="check", staff_id=sam.id)
        right = shell.request("animator", pin=DEMO_ANIMATOR_PIN, action="check", staff_id=sam.id)
    assert not wrong.ok
    assert right.ok, right.error
    assert (right.staff_name, right.staff_language) == (DEMO_ANIMATOR_NAME, "fr")
