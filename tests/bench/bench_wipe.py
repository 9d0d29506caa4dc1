"""Wipe figures: the system wiper (tmpfs home) against ``rm -rf`` + ``cp -a`` on disk.

Run as root from the repository root:  .venv/bin/python tests/bench/bench_wipe.py [--runs 4]

Creates a throw-away visitor user, fills its home with 20,000 files (500 MiB) and times,
in the same run: the system wiper's wipe + fresh home from the skeleton (tmpfs unmount and
mount), and the baseline ``rm -rf HOME && cp -a SKELETON HOME`` on a regular disk folder
(data synced to disk first, as a home used for an hour would be). Removes the user, the
mounts and the folders it made. Prints one ``figure: value unit`` line per figure, the
headline last; exits non-zero when it could not measure.
Targets: wipe < 0.5 s, at least 10 times faster than the baseline.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import pwd
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from kiosk.agent.config import packaged_skeleton  # noqa: E402
from kiosk.agent.system.mounts import SystemMounts, TmpfsOptions, mounts_at  # noqa: E402
from kiosk.agent.system.temp_areas import SystemTempAreas  # noqa: E402
from kiosk.agent.system_wiper import HomeLimits, SystemParts, SystemWiper  # noqa: E402

FILES = 20_000
TOTAL_BYTES = 500 * 1024 * 1024
PER_FOLDER = 100


def fill(home: Path) -> None:
    """20,000 files, 500 MiB in all, in folders of 100, as a busy visitor's home might."""
    block = os.urandom(TOTAL_BYTES // FILES)
    for n in range(FILES):
        folder = home / "Documents" / f"project-{n // PER_FOLDER:03d}"
        if n % PER_FOLDER == 0:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / f"file-{n:05d}.bin").write_bytes(block)


def timed(action: object) -> float:
    """Seconds taken by ``action()``."""
    assert callable(action)
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> int:
    """Measure and print; 0 when every figure was measured."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=4)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("bench_wipe: needs root (creates a user, mounts tmpfs)", file=sys.stderr)
        return 1
    name = "epnvbench" + secrets.token_hex(3)
    home = Path("/home") / name
    work = Path(tempfile.mkdtemp(prefix="epn-bench-wipe-", dir="/var/tmp"))
    disk_home = work / "disk-home"
    skeleton = packaged_skeleton()
    mounts = SystemMounts()
    subprocess.run(
        ["useradd", "-M", "-U", "-d", str(home), "-s", "/usr/sbin/nologin", name], check=True
    )
    try:
        entry = pwd.getpwnam(name)
        limits = HomeLimits(size="1g", nr_inodes=100_000)
        real = SystemParts.real()
        # The home alone, like the baseline: temp areas of the bench's own (empty) folder.
        (work / "tmp").mkdir()
        home_only = dataclasses.replace(
            real, temp_areas=SystemTempAreas([work / "tmp"], runtime=False)
        )
        wiper = SystemWiper(
            name, home, skeleton, work / "journal-home", parts=home_only, limits=limits
        )
        whole = SystemWiper(name, home, skeleton, work / "journal-whole", parts=real, limits=limits)

        tmpfs_runs, whole_runs, unmount_runs, counted = [], [], [], 0
        for run in range(args.runs):
            # The whole-machine figure depends on what else is in /tmp; two runs tell it.
            pairs = [(wiper, tmpfs_runs), *([(whole, whole_runs)] if run < 2 else [])]
            for chosen, runs in pairs:
                chosen.prepare()
                fill(home)
                subprocess.run(["sync"], check=True)

                def wipe_and_fresh_home(w: SystemWiper = chosen) -> None:
                    nonlocal counted
                    receipt = w.wipe()
                    counted = dict(receipt.erased)["files"]
                    w.prepare()

                runs.append(timed(wipe_and_fresh_home))
                if counted != FILES:
                    print(f"bench_wipe: the wipe counted {counted} files", file=sys.stderr)
                    return 1
            # Unmount + mount alone (no count, no checks): the floor of this design.
            fill(home)
            options = TmpfsOptions(entry.pw_uid, entry.pw_gid, limits.size, limits.nr_inodes)

            def remount(options: TmpfsOptions = options) -> None:
                mounts.unmount(str(home))
                mounts.mount_tmpfs(home, options)
                mounts.fill_home(skeleton, home, entry.pw_uid, entry.pw_gid)

            unmount_runs.append(timed(remount))
            print(f"run {run + 1}: tmpfs {tmpfs_runs[-1]:.3f} s", file=sys.stderr)
        wiper.wipe()

        baseline_runs = []
        for run in range(args.runs):
            subprocess.run(["cp", "-a", str(skeleton), str(disk_home)], check=True)
            fill(disk_home)
            subprocess.run(["sync"], check=True)

            def rm_and_copy() -> None:
                subprocess.run(["rm", "-rf", str(disk_home)], check=True)
                subprocess.run(["cp", "-a", str(skeleton), str(disk_home)], check=True)

            baseline_runs.append(timed(rm_and_copy))
            shutil.rmtree(disk_home)
            print(f"run {run + 1}: rm -rf + cp -a {baseline_runs[-1]:.3f} s", file=sys.stderr)
    finally:
        while mounts_at(mounts.table(), home):
            mounts.unmount(str(home))
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
        subprocess.run(["userdel", name], check=False)

    tmpfs = statistics.median(tmpfs_runs)
    baseline = statistics.median(baseline_runs)
    print(f"home files: {FILES} files")
    print(f"home size: {TOTAL_BYTES // (1024 * 1024)} MiB")
    print(f"runs: {args.runs} runs")
    print(f"tmpfs unmount + mount + skeleton only: {statistics.median(unmount_runs):.3f} s")
    print(
        f"system wipe incl. this machine's /tmp /var/tmp /dev/shm scan: "
        f"{statistics.median(whole_runs):.3f} s"
    )
    print(f"rm -rf + cp -a on disk (baseline): {baseline:.3f} s")
    print(f"system wipe + fresh home (receipt counted, checked): {tmpfs:.3f} s")
    print(f"speed-up over rm -rf + cp -a: {baseline / tmpfs:.1f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
