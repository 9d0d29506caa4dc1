"""The lockdown of a kiosk: browser policies, the graphical session's system files, the
launcher's entries, and writing them under a target root for the installer.

Generation is pure (``browser``, ``session``); only ``write_lockdown`` and
``installed_desktop_files`` touch the file system.
"""

from kiosk.lockdown.apps import installed_desktop_files, launcher_apps
from kiosk.lockdown.browser import (
    blocked_hosts,
    chromium_policies,
    chromium_url_filter,
    firefox_match_pattern,
    firefox_policies,
)
from kiosk.lockdown.files import LockdownAction, LockdownError, LockdownFile, write_lockdown
from kiosk.lockdown.session import LAUNCHER_DIR, lockdown_actions, lockdown_files
from kiosk.lockdown.smartcard import NSS_MODULE_LIST, nss_module_list, opensc_module

__all__ = [
    "LAUNCHER_DIR",
    "NSS_MODULE_LIST",
    "LockdownAction",
    "LockdownError",
    "LockdownFile",
    "blocked_hosts",
    "chromium_policies",
    "chromium_url_filter",
    "firefox_match_pattern",
    "firefox_policies",
    "installed_desktop_files",
    "launcher_apps",
    "lockdown_actions",
    "lockdown_files",
    "nss_module_list",
    "opensc_module",
    "write_lockdown",
]
