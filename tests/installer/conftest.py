"""Fixtures of the installer's tests (defined in ``installer_helpers``)."""

from installer_helpers import run, target

__all__ = ["run", "target"]
