"""The kiosk shell: the visitor-facing PySide6 face of the agent. Holds no rule."""
