"""Turns a Debian/Ubuntu machine into a kiosk or a console. Built in a later issue."""
