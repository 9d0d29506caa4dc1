"""Real apt as a PC runs it, on private state: ``apt-get update`` and ``apt-cache policy``
against the apt source a paired PC wrote under a root, never the machine's own apt lists,
cache, sources or keys. Needs root (apt drops to its ``_apt`` user to download)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from kiosk.agent.apt_source import APT_CONF, SOURCES


@dataclass(frozen=True)
class AptRun:
    """What one apt command did."""

    returncode: int
    output: str


class PrivateApt:
    """apt with its state in ``folder``, reading the source and settings under ``pc_root``."""

    def __init__(self, folder: Path, pc_root: Path) -> None:
        self.folder = folder
        self.pc_root = pc_root
        for sub in ("state/lists/partial", "cache/archives/partial", "parts", "trusted"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        (folder / "status").touch()

    def options(self) -> list[str]:
        """The options that keep apt on this PC's files alone."""
        f = self.folder
        settings = {
            "Dir::State": f / "state",
            "Dir::State::status": f / "status",
            "Dir::Cache": f / "cache",
            "Dir::Etc::SourceList": self.pc_root / SOURCES,
            "Dir::Etc::SourceParts": "-",
            "Dir::Etc::Parts": f / "parts",
            "Dir::Etc::TrustedParts": f / "trusted",
            "Dir::Etc::Trusted": f / "trusted.gpg",
            "Dir::Etc::Preferences": f / "preferences",
            "Dir::Etc::PreferencesParts": f / "parts",
        }
        # The PC's apt settings file is read as the PC's apt reads it from apt.conf.d.
        return ["-c", str(self.pc_root / APT_CONF)] + [
            arg for key, value in settings.items() for arg in ("-o", f"{key}={value}")
        ]

    def run(self, program: str, *args: str) -> AptRun:
        """Run ``apt-get`` or ``apt-cache`` with the private options."""
        done = subprocess.run(
            [program, *self.options(), *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"},
        )
        return AptRun(done.returncode, done.stdout + done.stderr)

    def update(self) -> AptRun:
        """``apt-get update``."""
        return self.run("apt-get", "-q", "update")

    def candidate(self, package: str) -> str | None:
        """The version ``apt-cache policy`` offers for ``package`` (None: none)."""
        said = self.run("apt-cache", "policy", package).output
        for line in said.splitlines():
            if line.strip().startswith("Candidate:"):
                value = line.split(":", 1)[1].strip()
                return None if value == "(none)" else value
        return None


def build_deb(folder: Path, name: str, version: str, architecture: str = "all") -> Path:
    """A small real Debian package (``dpkg-deb --build``)."""
    tree = folder / f"{name}-{version}"
    (tree / "DEBIAN").mkdir(parents=True)
    (tree / "DEBIAN" / "control").write_text(
        f"Package: {name}\nVersion: {version}\nArchitecture: {architecture}\n"
        "Maintainer: EPN Kiosk <epn-kiosk@example.org>\nDescription: a test package\n"
    )
    (tree / "usr/share/doc" / name).mkdir(parents=True)
    (tree / "usr/share/doc" / name / "README").write_text(f"{name} {version}\n")
    deb = folder / f"{name}_{version}_{architecture}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "--build", str(tree), str(deb)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return deb
