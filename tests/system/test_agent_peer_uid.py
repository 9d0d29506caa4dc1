"""Only the allowed users may talk to the agent; anyone else is turned away, nothing breaks."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from helpers.kiosk_agent import AgentThread, ShellClient

from kiosk.core.model import State

NOBODY = 65534
SYSTEM_PYTHON = "/usr/bin/python3"  # the test venv may sit where nobody cannot read it

# Run as another user: connect, send a ping, report what came back.
INTRUDER = """
import json, socket, sys
result = {}
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
try:
    s.connect(sys.argv[1])
except PermissionError:
    result["connect"] = "refused by the file mode"
else:
    result["connect"] = "ok"
    try:
        s.sendall(b'{"v": 1, "type": "hello", "id": 1}\\n')
    except OSError:
        pass
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:  # closed with our hello unread: that is the refusal too
            break
        if not chunk:
            break
        data += chunk
    result["received"] = data.decode()
print(json.dumps(result))
"""


def _as_nobody(socket_path: Path) -> dict[str, str]:
    done = subprocess.run(
        [SYSTEM_PYTHON, "-c", INTRUDER, str(socket_path)],
        user=NOBODY,
        group=NOBODY,
        extra_groups=[],
        cwd="/",
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, str] = json.loads(done.stdout)
    return result


@pytest.mark.root
@pytest.mark.skipif(not Path(SYSTEM_PYTHON).exists(), reason="needs /usr/bin/python3")
def test_another_uid_gets_one_refusal_and_the_agent_keeps_serving() -> None:
    # An open socket mode, so that only the agent's peer-uid check stands in the way.
    with AgentThread(socket_mode=0o666) as kiosk:
        os.chmod(kiosk.data_dir, 0o711)
        with ShellClient(kiosk.socket_path) as shell:
            shell.hello()
            shell.start_session()
            result = _as_nobody(kiosk.socket_path)
            assert result["connect"] == "ok"
            [line] = result["received"].splitlines()  # one reply, then the agent hung up
            reply = json.loads(line)
            assert reply["ok"] is False and reply["error"]["code"] == "not_allowed"
            assert reply["re"] is None
            assert shell.request("ping").ok
            assert kiosk.engine_state() is State.ACTIVE
            assert kiosk.shell_count() == 1, "the intruder was never counted as a shell"


@pytest.mark.root
@pytest.mark.skipif(not Path(SYSTEM_PYTHON).exists(), reason="needs /usr/bin/python3")
def test_the_socket_file_itself_keeps_other_users_out() -> None:
    with AgentThread() as kiosk:
        os.chmod(kiosk.data_dir, 0o711)
        assert oct(kiosk.socket_path.stat().st_mode & 0o777) == oct(0o600)
        assert _as_nobody(kiosk.socket_path)["connect"] == "refused by the file mode"
        with ShellClient(kiosk.socket_path) as shell:
            assert shell.request("ping").ok
