"""The real machine's services the system wiper needs, each behind a small interface.

Every module here has a real implementation (tested as root against the real kernel: users,
tmpfs mounts, signals, SysV IPC) and a fake for unit tests. Command lines are built and
kernel tables parsed in pure functions, so most of the logic is tested without root.
"""
