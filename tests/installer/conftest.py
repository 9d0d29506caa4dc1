"""Fixtures of the installer's tests (defined in ``installer_helpers``)."""

from installer_helpers import debs, run, target, unpacked

__all__ = ["debs", "run", "target", "unpacked"]
