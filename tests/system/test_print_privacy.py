"""What other local users learn about a visitor's print jobs on the kiosk's cupsd: a job
number and its state, never its name, its owner or its document names; and the agent (root
over the unix socket) still reads the owner it meters by. Real unprivileged users."""

from __future__ import annotations

import pwd
import re
import secrets
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.print_documents import write_pdf

from installer.demo.cupsd import PrivateCups
from kiosk.agent.printing.cups_queue import CupsQueue

pytestmark = [
    pytest.mark.root,
    pytest.mark.skipif(not Path("/usr/sbin/cupsd").exists(), reason="cupsd is not installed"),
]

_IPP_TEST = """{{
  OPERATION {operation}
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  {extra}
  ATTR name requesting-user-name $user
  ATTR keyword requested-attributes all
}}
"""


@pytest.fixture
def users() -> Iterator[tuple[str, int, int]]:
    """Two unprivileged users (a visitor and someone else), removed afterwards: the
    visitor's name, the visitor's uid, the other's uid."""
    names = ["epnv" + secrets.token_hex(3), "epno" + secrets.token_hex(3)]
    for name in names:
        subprocess.run(["useradd", "-M", "-U", "-s", "/usr/sbin/nologin", name], check=True)
    try:
        yield names[0], pwd.getpwnam(names[0]).pw_uid, pwd.getpwnam(names[1]).pw_uid
    finally:
        for name in names:
            subprocess.run(["userdel", name], capture_output=True, check=False)


def _ipptool(cups: PrivateCups, uid: int, operation: str, extra: str = "") -> str:
    folder = cups.root / "ipp"
    folder.mkdir(mode=0o755, exist_ok=True)
    test = folder / f"{operation}.test"
    test.write_text(_IPP_TEST.format(operation=operation, extra=extra))
    test.chmod(0o644)
    uri = f"ipp://{str(cups.socket).replace('/', '%2F')}/printers/kiosk"
    done = cups.run("ipptool", "-tv", uri, str(test), user=uid)
    assert "status-code = successful-ok" in done.stdout, done.stdout + done.stderr
    return done.stdout


def test_other_users_see_no_name_owner_or_document_name_of_a_visitors_job(users):
    visitor, visitor_uid, other_uid = users
    title = "title-" + secrets.token_hex(4)
    with PrivateCups() as cups:
        docs = cups.root / "docs"
        docs.mkdir(mode=0o755)
        doc = write_pdf(docs / f"cv-{secrets.token_hex(4)}.pdf", 2)
        doc.chmod(0o644)
        done = cups.run("lp", "-d", "kiosk", "-t", title, str(doc), str(doc), user=visitor_uid)
        assert done.returncode == 0, done.stderr
        found = re.search(r"kiosk-(\d+)", done.stdout)
        assert found
        job = int(found.group(1))
        seen = [
            cups.run("lpstat", "-o", user=other_uid).stdout,
            cups.run("lpstat", "-l", "-W", "all", "-o", user=other_uid).stdout,
            _ipptool(cups, other_uid, "Get-Jobs", "ATTR keyword which-jobs all"),
            _ipptool(cups, other_uid, "Get-Job-Attributes", f"ATTR integer job-id {job}"),
        ]
        assert f"kiosk-{job}" in seen[0], "the job is listed, by number"
        for text in seen:
            for secret in (title, doc.name, visitor):
                assert secret not in text, f"{secret} shown to another user:\n{text}"
        # The visitor sees their own job, and the agent (root) reads its owner.
        assert visitor in cups.run("lpstat", "-o", user=visitor_uid).stdout
        [queued] = CupsQueue(cups.socket, approvals=cups.approvals).jobs()
        assert (queued.job_id, queued.user, queued.held) == (job, visitor, True)


def test_claiming_another_name_is_refused_and_does_not_stop_cupsd(users):
    visitor, visitor_uid, _other = users
    with PrivateCups() as cups:
        docs = cups.root / "docs"
        docs.mkdir(mode=0o755)
        doc = write_pdf(docs / "a.pdf", 1)
        doc.chmod(0o644)
        for name in ("root", "no-such-user-" + secrets.token_hex(3)):
            done = cups.run("lp", "-d", "kiosk", "-U", name, str(doc), user=visitor_uid)
            assert done.returncode != 0, f"submitting as {name} was allowed"
        assert cups.pid is not None and cups.run("lpstat", "-r").returncode == 0
        assert CupsQueue(cups.socket, approvals=cups.approvals).jobs() == []
        done = cups.run("lp", "-d", "kiosk", str(doc), user=visitor_uid)
        assert done.returncode == 0, done.stderr
        assert [job.user for job in CupsQueue(cups.socket).jobs()] == [visitor]


_SUBSCRIBE = """{{
  OPERATION Create-Printer-Subscriptions
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR name requesting-user-name $user
  GROUP subscription-attributes-tag
  {recipient}
  ATTR keyword notify-events all
  ATTR integer notify-lease-duration 600
}}
"""

_PULL = """{{
  OPERATION Get-Notifications
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR name requesting-user-name $user
  ATTR integer notify-subscription-ids {subscription}
  ATTR integer notify-sequence-numbers 1
}}
"""

_HTTP_GET = """
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(("GET " + sys.argv[2] + " HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n").encode())
data = b""
while chunk := s.recv(65536):
    data += chunk
sys.stdout.write(data.decode("utf-8", "replace"))
"""


def _ipp_as(
    cups: PrivateCups, uid: int, name: str, test: str, resource: str = "printers/kiosk"
) -> str:
    """An IPP request as ``uid`` (to the queue, or to ``resource``): everything ipptool
    printed, success or not."""
    folder = cups.root / "ipp"
    folder.mkdir(mode=0o755, exist_ok=True)
    path = folder / f"{name}.test"
    path.write_text(test)
    path.chmod(0o644)
    uri = f"ipp://{str(cups.socket).replace('/', '%2F')}/{resource}"
    done = cups.run("ipptool", "-tv", uri, str(path), user=uid)
    return done.stdout + done.stderr


def _subscription_id(output: str) -> int | None:
    if "status-code = successful-ok" not in output:
        return None
    found = re.search(r"notify-subscription-id \(integer\) = (\d+)", output)
    return int(found.group(1)) if found else None


@pytest.mark.parametrize("resource", ["printers/kiosk", ""], ids=["queue", "server"])
def test_a_visitor_cannot_read_the_queues_events(users, resource):
    # Events carry the job's name and are pulled (ippget) or pushed by a notifier of the
    # subscriber's choice (rss: a feed cupsd serves to anyone at /rss/<name>): a visitor
    # who could subscribe to the queue, or to the whole server, would read every other
    # user's job names. Nor may they read the agent's own subscription.
    victim, victim_uid, attacker_uid = users
    title = "title-" + secrets.token_hex(4)
    feed = "feed" + secrets.token_hex(3)
    with PrivateCups() as cups:
        queue = CupsQueue(cups.socket, approvals=cups.approvals)
        agents = queue.subscribe("epn-wake:" + str(cups.root / "nobody-listens.sock"), ["all"], 600)
        pulled = _ipp_as(
            cups,
            attacker_uid,
            "pull-sub",
            _SUBSCRIBE.format(recipient="ATTR keyword notify-pull-method ippget"),
            resource,
        )
        pushed = _ipp_as(
            cups,
            attacker_uid,
            "push-sub",
            _SUBSCRIBE.format(recipient=f"ATTR uri notify-recipient-uri rss:///{feed}"),
            resource,
        )
        docs = cups.root / "docs"
        docs.mkdir(mode=0o755)
        doc = write_pdf(docs / f"cv-{secrets.token_hex(4)}.pdf", 1)
        doc.chmod(0o644)
        done = cups.run("lp", "-d", "kiosk", "-t", title, str(doc), user=victim_uid)
        assert done.returncode == 0, done.stderr
        assert [job.user for job in queue.jobs()] == [victim]
        seen = [pulled, pushed]
        for subscription in (_subscription_id(pulled), agents):
            if subscription is not None:
                pull = _PULL.format(subscription=subscription)
                seen.append(_ipp_as(cups, attacker_uid, "pull", pull, resource))
        if _subscription_id(pushed) is not None:
            # The feed is written by cupsd's rss notifier once the event reached it.
            def served() -> str:
                get = ("/usr/bin/python3", "-c", _HTTP_GET, str(cups.socket), f"/rss/{feed}")
                return cups.run(*get, user=attacker_uid).stdout

            deadline = time.monotonic() + 10
            while "200 OK" not in (text := served()) and time.monotonic() < deadline:
                time.sleep(0.05)
            seen.append(text)
        for text in seen:
            for secret in (title, doc.name, victim):
                assert secret not in text, f"{secret} shown to another user:\n{text}"
        assert _subscription_id(pulled) is None, "a visitor subscribed to the events"
        assert _subscription_id(pushed) is None, "a visitor subscribed a notifier to the events"
        # The agent (root) still subscribes and reads its subscriptions.
        assert queue.subscribed(agents)
