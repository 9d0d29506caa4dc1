"""The console GUI: the staff's live room view and actions on the PCs (PySide6)."""
