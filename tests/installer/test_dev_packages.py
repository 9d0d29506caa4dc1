"""Every Debian package the set-up script names is one Debian has: one wrong name makes
``apt-get install`` refuse the whole list, and ``installer/dev.sh demo`` then installs
nothing on a fresh machine (``firefox-esr-l10n-es`` did that: Spanish is ``…-es-es``)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

DEV_SH = Path(__file__).resolve().parents[2] / "installer" / "dev.sh"


def _listed(array: str) -> list[str]:
    """The names in one of dev.sh's bash arrays, as bash reads them (comments dropped)."""
    script = f'source <(sed -n "/^{array}=(/,/^)/p" "$1"); printf "%s\\n" "${{{array}[@]}}"'
    done = subprocess.run(
        ["bash", "-c", script, "bash", str(DEV_SH)], capture_output=True, text=True, check=True
    )
    return done.stdout.split()


@pytest.mark.parametrize("array", ["DEBIAN_PACKAGES", "DEMO_PACKAGES"])
def test_every_package_the_set_up_installs_exists(array: str) -> None:
    names = _listed(array)
    assert len(names) > 5, f"{array} read from {DEV_SH}"
    if shutil.which("apt-cache") is None:
        pytest.skip("no apt-cache: not a Debian machine")
    # `apt-cache policy` says "Candidate: (none)" or nothing for a name with no package.
    policy = subprocess.run(
        ["apt-cache", "policy", *names], capture_output=True, text=True, check=True
    ).stdout
    if "Candidate:" not in policy:
        pytest.skip("apt has no package lists here (apt-get update was never run)")
    missing = [
        name
        for name in names
        if f"{name}:\n" not in policy
        or policy.split(f"{name}:\n", 1)[1].split("\n", 2)[1].strip() == "Candidate: (none)"
    ]
    assert missing == [], f"not Debian packages here: {missing}"
