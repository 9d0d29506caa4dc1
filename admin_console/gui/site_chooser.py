"""The site chooser: a list of the staff member's sites above the room, the usage review
and the pairing code. With one site there is nothing to choose, and it is not shown."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from admin_console.api.sites import SiteModel
from admin_console.gui import i18n
from policies import Language


class SiteChooser(QWidget):
    """ "Site: [All my sites ▾]": ``chosen`` gives the site's id, or None for all of them
    (offered only when ``with_all``)."""

    chosen = Signal(object)
    """The site's id (int), or None: all the staff member's sites."""

    def __init__(self, language: Language, with_all: bool = True) -> None:
        super().__init__()
        self.language = language
        self.with_all = with_all
        self.label = QLabel(i18n.text("sites.chooser", language))
        self.box = QComboBox()
        self.box.setAccessibleName(i18n.text("sites.chooser", language))
        self.box.setMinimumWidth(220)
        self.label.setBuddy(self.box)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.box, 1)
        self.box.currentIndexChanged.connect(lambda _i: self.chosen.emit(self.site_id()))
        self.hide()

    def set_sites(self, sites: Sequence[SiteModel]) -> None:
        """The staff member's sites; the choice stays when the site is still one of them.
        Shown only when there are several."""
        before = self.site_id()
        self.box.blockSignals(True)
        self.box.clear()
        if self.with_all:
            self.box.addItem(i18n.text("sites.all_mine", self.language), None)
        for site in sites:
            self.box.addItem(site.name, site.id)
        index = self.box.findData(before)
        self.box.setCurrentIndex(max(0, index))
        self.box.blockSignals(False)
        self.setVisible(len(sites) > 1)
        if self.site_id() != before:
            self.chosen.emit(self.site_id())

    def show_choice(self, site_id: int | None) -> None:
        """Show ``site_id`` as chosen (None: all), saying nothing: the choice was made."""
        index = self.box.findData(site_id)
        if index >= 0:
            self.box.blockSignals(True)
            self.box.setCurrentIndex(index)
            self.box.blockSignals(False)

    def site_id(self) -> int | None:
        """The site chosen (None: all, or nothing to choose)."""
        value = self.box.currentData()
        return value if isinstance(value, int) else None

    def choose(self, site_id: int | None) -> None:
        """Pick a site as staff would."""
        self.box.setCurrentIndex(max(0, self.box.findData(site_id)))
