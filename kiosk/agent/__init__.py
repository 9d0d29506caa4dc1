"""The kiosk agent: a system service that owns every decision about the PC."""
