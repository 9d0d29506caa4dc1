"""The few questions the console asks through the desktop's own dialogs (where to save a
file, "close anyway?"). One object, handed to the screens, so tests give their answers."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


class Dialogs:
    """Real dialogs; tests use a subclass that answers at once."""

    def save_file(self, parent: QWidget, title: str, suggested: str, pattern: str) -> str | None:
        """A path to write to, or None when staff cancelled."""
        path, _chosen = QFileDialog.getSaveFileName(parent, title, suggested, pattern)
        return path or None

    def confirm(self, parent: QWidget, title: str, question: str) -> bool:
        """Yes or no."""
        answer = QMessageBox.question(
            parent,
            title,
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes
