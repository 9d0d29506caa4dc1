"""Turns a Debian/Ubuntu machine into a kiosk or a console: ``python -m installer``.

A role (``kiosk``, ``console``) is a plan of typed actions computed purely from the options
(``installer.kiosk``, ``installer.console``, ``installer.plan``); ``installer.apply`` carries
it out under a root and records it in a manifest so that ``uninstall`` takes exactly that
away. ``installer.deb`` builds the Debian packages whose maintainer scripts call it.
"""
