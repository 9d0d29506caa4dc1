"""The admin console (server, GUI and the kiosk wire protocol). Built in a later issue."""
