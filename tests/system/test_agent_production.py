"""A production agent (root, no sandbox) with a real visitor account.

The visitor's side is a plain Python client running as the visitor's uid, as the shell
will: it starts a session, leaves a CV in the tmpfs home, ends the session. Then nothing of
it is left, and root itself may not talk to the agent as if it were the shell.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.kiosk_agent import AgentProcess, ShellClient, write_open_all_day_policy

from kiosk.agent.system.mounts import SystemMounts, mounts_at
from kiosk.core.protocol import Reply

pytestmark = [pytest.mark.root, pytest.mark.slow]

SYSTEM_PYTHON = "/usr/bin/python3"

VISITOR_CLIENT = r"""
import json, os, socket, sys
sock = socket.socket(socket.AF_UNIX)
sock.connect(sys.argv[1])
stream = sock.makefile("rwb")
views = []
def send(n, kind, **fields):
    stream.write(json.dumps({"v": 1, "type": kind, "id": n, **fields}).encode() + b"\n")
    stream.flush()
    while True:
        message = json.loads(stream.readline())
        if message["type"] == "view":
            views.append(message)
        elif message.get("re") == n:
            assert message["ok"], message
            return
def until(*states):
    while not views or views[-1]["state"] not in states:
        message = json.loads(stream.readline())
        if message["type"] == "view":
            views.append(message)
    return views[-1]
send(1, "hello", client="shell")
until("waiting", "done")  # a first start sweeps before any session
send(2, "login", mode="walk_in", language="ar")
rules = until("rules")
send(3, "accept_rules", rules_version=rules["rules_version"], language="ar")
until("active")
home = os.environ["HOME"]
with open(os.path.join(home, "Documents", "cv.txt"), "w") as cv:
    cv.write(sys.argv[2])
print(json.dumps({"home_uid": os.stat(home).st_uid}), flush=True)
sys.stdin.readline()  # the test looks at the mounted home meanwhile
stream.write(json.dumps({"v": 1, "type": "end_session", "id": 4}).encode() + b"\n")
stream.flush()
sys.stdin.readline()  # the wipe stops this process, as it stops the visitor's whole session
"""


@pytest.fixture
def visitor() -> Iterator[pwd.struct_passwd]:
    """A fresh visitor account with its home under /home, removed with what it left."""
    name = "epnv" + secrets.token_hex(4)
    home = Path("/home") / name
    subprocess.run(
        ["useradd", "-M", "-U", "-d", str(home), "-s", "/usr/sbin/nologin", name], check=True
    )
    try:
        yield pwd.getpwnam(name)
    finally:
        mounts = SystemMounts()
        while mounts_at(mounts.table(), home):
            mounts.unmount(str(home))
        shutil.rmtree(home, ignore_errors=True)
        subprocess.run(["userdel", "-r", name], capture_output=True, check=False)


def test_a_production_agent_mounts_a_fresh_home_and_erases_it_at_the_end(
    visitor: pwd.struct_passwd,
) -> None:
    data = Path(tempfile.mkdtemp(prefix="epnp"))
    run_dir = Path(tempfile.mkdtemp(prefix="epnr"))
    run_dir.chmod(0o755)  # the socket's folder must be reachable by the visitor
    home = Path(visitor.pw_dir)
    marker = "cv-" + secrets.token_hex(8)
    policy = write_open_all_day_policy(data)
    agent = AgentProcess(
        data,
        ["--policy", str(policy), "--visitor", visitor.pw_name],
        launcher=AgentProcess.FULL_CLI,
        sandbox=False,
        socket_path=run_dir / "kiosk.sock",
    ).wait_listening()
    client: subprocess.Popen[str] | None = None
    try:
        # Root is not the visitor: the agent refuses it as it connects, before any request
        # (and closes, so a request sent after that may meet a closed socket).
        with ShellClient(agent.socket_path) as intruder:
            refused = intruder.receive()
        assert isinstance(refused, Reply) and not refused.ok and refused.error is not None
        assert refused.error.code == "not_allowed"

        # A first start sweeps (it stops every process of the visitor): the visitor's
        # session starts after it, as the display manager would start it.
        agent.wait_event("wipe_finished")
        client = subprocess.Popen(
            [SYSTEM_PYTHON, "-c", VISITOR_CLIENT, str(agent.socket_path), marker],
            user=visitor.pw_uid,
            group=visitor.pw_gid,
            extra_groups=[],
            env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
            cwd="/",
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert client.stdin is not None and client.stdout is not None
        started = json.loads(client.stdout.readline())
        # During the session the home is a tmpfs of the visitor's, not the disk.
        mounted = mounts_at(SystemMounts().table(), home)
        assert mounted and mounted[-1].fs_type == "tmpfs"
        assert {"nosuid", "nodev"} <= set(mounted[-1].options)
        assert started["home_uid"] == visitor.pw_uid
        assert (home / "Documents" / "cv.txt").read_text() == marker

        client.stdin.write("\n")
        client.stdin.flush()
        wiped = agent.wait_event("wipe_finished", recovery=False)
        assert wiped["files"] >= 1
        assert wiped["processes"] >= 1, "the visitor's session was stopped by the wipe"
        assert client.wait(30) != 0
        assert not mounts_at(SystemMounts().table(), home), "the home is unmounted"
        assert not (home / "Documents" / "cv.txt").exists()
        assert (data / "wipe.journal").read_text().strip() == "CLEAN"
        assert os.stat(data).st_mode & 0o077 == 0, "the store's folder is the agent's only"
    finally:
        if client is not None and client.poll() is None:
            client.kill()
            client.wait(10)
        if agent.process.poll() is None:
            agent.terminate()
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(run_dir, ignore_errors=True)
