"""Smart cards (the Belgian eID) in the visitor's browsers: OpenSC's PKCS#11 module,
registered where each browser looks for it, and the polkit rule that lets the visitor's
session reach the card reader.

- Firefox loads the module named in its ``SecurityDevices`` policy into the profile (in the
  visitor's tmpfs home: it goes with the wipe).
- Chromium has no policy for PKCS#11 modules: it loads the modules listed in the user's NSS
  database, ``~/.pki/nssdb``. The home skeleton carries its module list, ``pkcs11.txt``;
  Chromium creates the database's other files (``cert9.db``, ``key4.db``) beside it on its
  first start, inside the session's home.
- pcscd (the PC/SC daemon the module talks to) keeps no per-user state and caches no PIN.

Pure: the paths and texts only; the installer writes them.
"""

from __future__ import annotations

import re
import sysconfig
from pathlib import PurePosixPath

OPENSC_MODULE_NAME = "OpenSC smart card (eID)"
"""The module's name in both browsers' security devices (ASCII: Firefox mishandles others)."""

NSS_MODULE_LIST = PurePosixPath(".pki/nssdb/pkcs11.txt")
"""Chromium's NSS module list, relative to the visitor's home (and to the skeleton)."""

POLKIT_RULE = PurePosixPath("/etc/polkit-1/rules.d/50-epn-kiosk-pcscd.rules")

PCSC_ACTIONS = ("org.debian.pcsc-lite.access_pcsc", "org.debian.pcsc-lite.access_card")
"""The polkit actions of a pcscd built with polkit (Debian's pcscd 1.9.9 in Debian 12 is
built without it and lets any local user in; later ones ask polkit)."""

_MULTIARCH = re.compile(r"[a-z0-9_]+-[a-z0-9_]+-[a-z0-9_]+")
_USER_NAME = re.compile(r"[a-z_][a-z0-9_-]{0,31}")


def opensc_module(multiarch: str | None = None) -> PurePosixPath:
    """Where Debian's and Ubuntu's ``opensc-pkcs11`` put the module:
    ``/usr/lib/<multiarch triplet>/opensc-pkcs11.so``. The triplet defaults to the running
    Python's (Debian's own python3 is built with it: ``x86_64-linux-gnu``)."""
    triplet = multiarch or sysconfig.get_config_var("MULTIARCH") or "x86_64-linux-gnu"
    if not _MULTIARCH.fullmatch(triplet):
        raise ValueError(f"{triplet!r} is not a multiarch triplet such as x86_64-linux-gnu")
    return PurePosixPath("/usr/lib") / triplet / "opensc-pkcs11.so"


def firefox_security_devices(module: PurePosixPath) -> dict[str, dict[str, str]]:
    """Firefox's ``SecurityDevices`` policy (the ``Add`` form; the bare name-to-path form is
    deprecated): the module is loaded into the visitor's profile at start."""
    return {"Add": {OPENSC_MODULE_NAME: str(module)}}


def nss_module_list(module: PurePosixPath) -> str:
    """``~/.pki/nssdb/pkcs11.txt`` with the OpenSC module, in the format ``modutil -add``
    writes. NSS adds its internal module itself when it opens the database read-write, as
    Chromium does; the internal module's entry is left out because it would name the folder
    the file was made in (the skeleton), not the home."""
    return f"library={module}\nname={OPENSC_MODULE_NAME}\n"


def polkit_rule(visitor: str) -> str:
    """``/etc/polkit-1/rules.d/50-epn-kiosk-pcscd.rules``: the visitor may use pcscd and the
    card in its reader. A pcscd built with polkit lets only an active local session in by
    default; the kiosk's session is that, but a shell restarted by the agent or a session
    logind has not yet marked active would be refused. Without polkit in pcscd (Debian 12)
    the rule is never asked and changes nothing."""
    if not _USER_NAME.fullmatch(visitor):
        raise ValueError(f"{visitor!r} is not a valid user name for the visitor account")
    actions = " ||\n        ".join(f'action.id == "{a}"' for a in PCSC_ACTIONS)
    return (
        "// EPN Kiosk, written by the installer: local changes are replaced.\n"
        "// The visitor's session may use the smart card reader (Belgian eID).\n"
        "polkit.addRule(function(action, subject) {\n"
        f"    if (({actions}) &&\n"
        f'        subject.user == "{visitor}") {{\n'
        "        return polkit.Result.YES;\n"
        "    }\n"
        "});\n"
    )
