"""Reading CUPS's command-line tools (CUPS 2.4.2's answers, in the C locale): the queues,
each queue's options, the printers found, the job number, and the list staff see."""

from __future__ import annotations

from admin_console.api.printers import NetworkSearch, PrinterKind
from admin_console.server.printers import (
    device_printer,
    found_devices,
    job_id,
    on_this_machine,
    printer_list,
    queue_names,
    queue_options,
    queue_printer,
)

LPSTAT_V = (
    "device for kiosk: capture:/tmp/epn-cups-0j9tikoe/printed\n"
    "device for null: /dev/null\n"
    "device for salle: ///tmp/epn-cups-0j9tikoe/room-printer.pdf\n"
)
LPOPTIONS = (
    "copies=1 device-uri=ipp://192.168.1.20/ipp/print finishings=3 job-sheets=none,none "
    "printer-info='Imprimante de la salle' printer-location "
    "printer-make-and-model='Brother HL-L2350DW series' printer-state=3\n"
)
LPINFO = (
    "Device: uri = socket\n"
    "        class = network\n"
    "        info = AppSocket/HP JetDirect\n"
    "        make-and-model = Unknown\n"
    "        device-id = \n"
    "        location = \n"
    "Device: uri = ipp://192.0.2.7/ipp/print\n"
    "        class = network\n"
    "        info = Brother HL-L2350DW series (Bureau)\n"
    "        make-and-model = Brother HL-L2350DW\n"
    "        device-id = MFG:Brother;MDL:HL-L2350DW;\n"
    "        location = \n"
    "Device: uri = usb://Epson/ET-2850?serial=X5QK\n"
    "        class = direct\n"
    "        info = Unknown\n"
    "        make-and-model = EPSON ET-2850 Series\n"
)


def test_the_queues_and_their_exact_addresses_are_read() -> None:
    assert queue_names(LPSTAT_V) == ["kiosk", "null", "salle"]
    assert queue_names("") == []
    options = queue_options(LPOPTIONS)
    assert options["device-uri"] == "ipp://192.168.1.20/ipp/print"
    assert options["printer-info"] == "Imprimante de la salle"
    assert options["printer-location"] == ""
    room = queue_printer("salle", options)
    assert room is not None
    assert (room.name, room.detail, room.queue) == (
        "Imprimante de la salle",
        "Brother HL-L2350DW series",
        "salle",
    )
    raw = queue_printer(
        "kiosk",
        {
            "device-uri": "capture:/x",
            "printer-info": "",
            "printer-make-and-model": "Local Raw Printer",
        },
    )
    assert raw is not None and (raw.name, raw.detail) == ("kiosk", "")
    assert queue_printer("gone", {}) is None
    assert queue_options("printer-info='unbalanced") == {}


def test_found_printers_read_by_name_and_bare_backends_are_left_out() -> None:
    devices = [device_printer(d) for d in found_devices(LPINFO)]
    found = [d for d in devices if d is not None]
    assert [(p.uri, p.name, p.detail) for p in found] == [
        ("ipp://192.0.2.7/ipp/print", "Brother HL-L2350DW series (Bureau)", "Brother HL-L2350DW"),
        ("usb://Epson/ET-2850?serial=X5QK", "EPSON ET-2850 Series", ""),
    ]
    assert all(p.kind is PrinterKind.NETWORK and p.queue is None for p in found)


def test_the_list_puts_queues_first_and_names_each_printer_once() -> None:
    room = queue_printer("salle", queue_options(LPOPTIONS))
    assert room is not None
    found = [d for d in map(device_printer, found_devices(LPINFO)) if d is not None]
    again = device_printer({"uri": "ipp://192.168.1.20/ipp/print", "info": "Brother"})
    assert again is not None
    listed = printer_list([room], [again, *found, found[0]], NetworkSearch.DONE)
    assert [p.uri for p in listed.printers] == [
        "ipp://192.168.1.20/ipp/print",
        "ipp://192.0.2.7/ipp/print",
        "usb://Epson/ET-2850?serial=X5QK",
    ]


def test_the_job_number_is_read_from_lp() -> None:
    assert job_id("request id is salle-12 (1 file(s))\n") == 12
    assert job_id("request id is room-b-3 (0 file(s))\n") == 3
    assert job_id("lp: Error - The printer or class does not exist.\n") is None


def test_printers_plugged_into_the_console_are_told_from_network_ones() -> None:
    local = (
        "usb://Canon/LBP6030?serial=1",
        "parallel:/dev/lp0",
        "serial:/dev/ttyS0?baud=9600",
        "hp:/usb/OfficeJet_Pro_8710?serial=CN1",
        "hpfax:/usb/OfficeJet?serial=CN1",
        "file:///dev/null",
        "cups-pdf:/",
        "capture:/tmp/out",
    )
    network = (
        "ipp://192.168.1.20/ipp/print",
        "ipps://printer.local:631/ipp/print",
        "socket://192.0.2.10:9100",
        "lpd://192.0.2.11/queue",
        "dnssd://Brother._ipp._tcp.local/",
        "hp:/net/OfficeJet_Pro_8710?ip=192.168.1.30",
        "HTTP://192.168.1.20:631/printers/x",
    )
    assert [u for u in local if not on_this_machine(u)] == []
    assert [u for u in network if on_this_machine(u)] == []
