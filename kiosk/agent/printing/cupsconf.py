"""The CUPS configuration of a kiosk: a queue that holds every job, a policy under which a
visitor cannot release, move or resume a job, and no document or document name kept.

Rendered here (pure text), installed by the installer, and started as a private cupsd by
the tests. See the project's ``docs/architecture.md`` (printing) for why each line is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.agent.printing import gate_backend, wake_notifier

POLICY_NAME = "epn-kiosk"
QUEUE_NAME = "kiosk"
GATE_SCHEME = gate_backend.SCHEME
WAKE_SCHEME = wake_notifier.SCHEME
APPROVALS_ENV = gate_backend.APPROVALS_ENV
BACKENDS_ENV = gate_backend.BACKEND_DIR_ENV
DEFAULT_APPROVALS = Path(gate_backend.DEFAULT_APPROVALS)
MAX_HOLD_SECONDS = 900
"""A job nobody confirms is cancelled by CUPS itself after 15 minutes, even without the agent."""

# Operations only the system (root: the agent) may do. A visitor releasing (Release-Job,
# or Set-Job-Attributes job-hold-until), restarting, moving or fetching a job, or touching
# the printer, would print without paying or read someone else's document. Events carry
# job names: a visitor subscribing to the queue (an rss notifier's feed is served to
# anyone at /rss/) would read everyone's (measured on the stock list of operations).
_SYSTEM_ONLY_JOB_OPS = (
    "Hold-Job Release-Job Restart-Job Purge-Jobs Set-Job-Attributes Reprocess-Job "
    "Cancel-Current-Job Suspend-Current-Job Resume-Job Promote-Job Schedule-Job-After "
    "Cancel-Jobs CUPS-Move-Job CUPS-Get-Document CUPS-Authenticate-Job "
    "Create-Job-Subscriptions Create-Printer-Subscriptions Renew-Subscription "
    "Cancel-Subscription Get-Notifications"
)
_SYSTEM_ONLY_ADMIN_OPS = (
    "CUPS-Add-Modify-Printer CUPS-Delete-Printer CUPS-Add-Modify-Class CUPS-Delete-Class "
    "CUPS-Set-Default CUPS-Get-Devices Pause-Printer Resume-Printer Set-Printer-Attributes "
    "Enable-Printer Disable-Printer Pause-Printer-After-Current-Job Hold-New-Jobs "
    "Release-Held-New-Jobs Deactivate-Printer Activate-Printer Restart-Printer "
    "Shutdown-Printer Startup-Printer CUPS-Accept-Jobs CUPS-Reject-Jobs"
)


PRIVATE_JOB_VALUES = (
    "job-name job-originating-host-name job-originating-user-name phone document-name-supplied"
)
"""CUPS's default private values (name, host, owner, phone) and the document names, which
CUPS 2.4 shows to anyone unless they are listed (measured)."""


def policy_block(name: str = POLICY_NAME) -> str:
    """The hardened ``<Policy>`` block for ``cupsd.conf``."""
    return f"""<Policy {name}>
  # Job names, owners and document names are seen by the job's owner and the system
  # (root: the agent) only; another local user sees a job number and its state.
  JobPrivateAccess @OWNER @SYSTEM
  JobPrivateValues {PRIVATE_JOB_VALUES}
  SubscriptionPrivateAccess @OWNER @SYSTEM
  SubscriptionPrivateValues default
  # Every job operation is authenticated (over the local socket by the caller's uid, no
  # password): the owner of a job is who sent it, not the name the client claims, the
  # agent is recognised as root, and "lp -U no-such-user" cannot reach CUPS 2.4.2's
  # owner check, which crashes cupsd on a user it cannot find (measured).
  <Limit Create-Job Print-Job Print-URI Validate-Job Get-Jobs Get-Job-Attributes>
    AuthType Default
    Require valid-user
    Order deny,allow
  </Limit>
  <Limit Send-Document Send-URI Cancel-Job Cancel-My-Jobs Close-Job>
    AuthType Default
    Require user @OWNER @SYSTEM
    Order deny,allow
  </Limit>
  <Limit {_SYSTEM_ONLY_JOB_OPS}>
    AuthType Default
    Require user @SYSTEM
    Order deny,allow
  </Limit>
  <Limit {_SYSTEM_ONLY_ADMIN_OPS}>
    AuthType Default
    Require user @SYSTEM
    Order deny,allow
  </Limit>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""


@dataclass(frozen=True, slots=True)
class CupsdSettings:
    """Where a cupsd listens and keeps its files."""

    listen: str
    """A unix socket path (tests, and the kiosk's own socket) or ``localhost:631``."""


def cupsd_conf(settings: CupsdSettings) -> str:
    """``cupsd.conf``: local only, no sharing, no web interface, the hardened policy as the
    default, no kept documents or history, held jobs cancelled after 15 minutes."""
    return f"""# EPN Kiosk: printing is held, counted and confirmed by the visitor before release.
LogLevel warn
MaxLogSize 1m
Listen {settings.listen}
Browsing No
BrowseLocalProtocols none
WebInterface No
DefaultAuthType Basic
DefaultPolicy {POLICY_NAME}
# Nothing of a visitor's document stays after the job: no spool copy, no job history.
PreserveJobFiles No
PreserveJobHistory No
MaxHoldTime {MAX_HOLD_SECONDS}
# The page log counts pages without document names or user names.
PageLogFormat "%p %j %T %P %C"
<Location />
  Order allow,deny
  Allow localhost
</Location>
<Location /admin>
  Order allow,deny
  Allow localhost
</Location>
{policy_block()}"""


def cups_files_conf(root: Path, *, env: dict[str, str] | None = None, group: str = "root") -> str:
    """``cups-files.conf`` for a cupsd whose every file lives under ``root`` (the tests'
    private cupsd), passing ``env`` to backends; the installer keeps Debian's own file."""
    setenv = "".join(f"SetEnv {name} {value}\n" for name, value in (env or {}).items())
    return f"""ServerRoot {root}
RequestRoot {root}/spool
TempDir {root}/spool/tmp
CacheDir {root}/cache
StateDir {root}/state
ServerBin {root / "bin"}
DataDir /usr/share/cups
AccessLog {root}/log/access_log
ErrorLog {root}/log/error_log
PageLog {root}/log/page_log
FileDevice Yes
Printcap {root}/printcap
SystemGroup {group}
{setenv}"""


QUEUE_DEFAULTS: tuple[tuple[str, str], ...] = (("job-hold-until", "indefinite"),)
"""The queue's job defaults (``lpadmin -o NAME-default=VALUE``): every job is held until
the agent approves it (one that asks for no hold is held again by the gate)."""


def queue_command(printer_uri: str) -> tuple[str, ...]:
    """``lpadmin``: the visitors' queue, holding every job, gated, under the kiosk policy,
    enabled and accepting jobs (``-E`` after ``-p``). The installer runs it; the agent makes
    the same queue through pycups from the same values (``CupsQueue.make``), when a policy
    names the room's printer on a PC installed without one."""
    defaults = [
        part for name, value in QUEUE_DEFAULTS for part in ("-o", f"{name}-default={value}")
    ]
    return (
        "lpadmin",
        "-p",
        QUEUE_NAME,
        "-E",
        "-v",
        gate_uri(printer_uri),
        *defaults,
        "-o",
        f"printer-op-policy={POLICY_NAME}",
    )


DEFAULT_COMMAND = ("lpadmin", "-d", QUEUE_NAME)
"""The visitors' queue is CUPS's default destination: their programs print there."""


def gate_uri(device_uri: str) -> str:
    """The queue's device URI: the gate in front of the real printer's URI."""
    if device_uri.startswith(f"{GATE_SCHEME}:"):
        raise ValueError("the device is already gated")
    return f"{GATE_SCHEME}:{device_uri}"
