"""The mount table as the kernel writes it, and which mounts are the visitor's."""

from __future__ import annotations

from pathlib import Path

from kiosk.agent.system.mounts import (
    HOME_SOURCE,
    TmpfsOptions,
    mount_tmpfs_command,
    mounts_at,
    mounts_under,
    parse_mountinfo,
    umount_command,
    unescape,
    visitor_media,
)

MOUNTINFO = r"""22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro
25 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
40 22 0:39 / /home/epn-visitor rw,nosuid,nodev,relatime shared:20 - tmpfs epn-visitor-home rw,size=1048576k,nr_inodes=200000,mode=700,uid=1001,gid=1001
41 40 0:40 / /home/epn-visitor/.cache/doc rw,nosuid,nodev shared:21 - fuse.portal portal rw,user_id=1001,group_id=1001
50 22 8:17 / /media/epn-visitor/MY\040STICK rw,nosuid,nodev,relatime shared:30 - vfat /dev/sdb1 rw,uid=1001,gid=1001,fmask=0022
51 22 8:33 / /media/usb0 rw,nosuid,nodev,relatime shared:31 - vfat /dev/sdc1 rw,uid=1001,gid=1001
52 22 8:49 / /media/usb1 rw,nosuid,nodev,relatime shared:32 - vfat /dev/sdd1 rw,uid=1002,gid=1002
53 22 8:65 / /run/media/epn-visitor/Back\134slash\011tab rw,nosuid - exfat /dev/sde1 rw,uid=1001
54 22 8:81 / /run/media/someone-else/disk rw,nosuid - ext4 /dev/sdf1 rw
60 40 0:39 / /home/epn-visitor rw,nosuid,nodev,relatime - tmpfs epn-visitor-home rw,size=1048576k
this line is not a mount
"""  # noqa: E501 (kernel lines, verbatim)


def test_octal_escapes_are_undone() -> None:
    assert unescape(r"MY\040STICK") == "MY STICK"
    assert unescape(r"a\134b\011c\012d") == "a\\b\tc\nd"
    assert unescape("plain") == "plain"


def test_every_well_formed_line_is_parsed_with_optional_fields_skipped() -> None:
    entries = parse_mountinfo(MOUNTINFO)
    assert len(entries) == 10  # the malformed line is skipped
    home = entries[2]
    assert home.mount_id == 40 and home.parent_id == 22
    assert home.mount_point == "/home/epn-visitor"
    assert home.fs_type == "tmpfs" and home.source == HOME_SOURCE
    assert home.options == ("rw", "nosuid", "nodev", "relatime")
    assert home.option("uid") == "1001" and home.option("nr_inodes") == "200000"
    assert home.option("absent") is None
    assert entries[4].mount_point == "/media/epn-visitor/MY STICK"
    assert entries[7].mount_point == "/run/media/epn-visitor/Back\\slash\ttab"


def test_stacked_homes_come_newest_first_and_nested_mounts_deepest_first() -> None:
    entries = parse_mountinfo(MOUNTINFO)
    home = Path("/home/epn-visitor")
    assert [e.mount_id for e in mounts_at(entries, home)] == [60, 40]
    assert [e.mount_point for e in mounts_under(entries, home)] == ["/home/epn-visitor/.cache/doc"]
    assert mounts_under(entries, Path("/home/epn-visit")) == []  # a prefix is not a parent


def test_the_visitors_media_by_folder_name_or_uid_option() -> None:
    entries = parse_mountinfo(MOUNTINFO)
    points = {e.mount_point for e in visitor_media(entries, "epn-visitor", 1001)}
    assert points == {
        "/media/epn-visitor/MY STICK",
        "/media/usb0",
        "/run/media/epn-visitor/Back\\slash\ttab",
    }
    assert visitor_media(entries, "nobody-here", 4242) == []


def test_mount_and_umount_command_lines() -> None:
    options = TmpfsOptions(uid=1001, gid=1002, size="512m", nr_inodes=5000)
    assert mount_tmpfs_command(Path("/home/v"), options) == [
        "mount",
        "-t",
        "tmpfs",
        "-o",
        "size=512m,nr_inodes=5000,mode=0700,uid=1001,gid=1002,nosuid,nodev",
        HOME_SOURCE,
        "/home/v",
    ]
    assert umount_command("/home/v") == ["umount", "/home/v"]
    assert umount_command("/home/v", lazy=True) == ["umount", "--lazy", "/home/v"]
