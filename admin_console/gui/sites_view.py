"""The Sites tab (managers and admins): the list of sites with their PCs; for the site
chosen, who works there, its PCs (moved to another site after a question), and its own
settings over the network's policy (its name on the PCs, house rules of its own, printing,
opening hours). Admins make and rename sites."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from admin_console.api.room import KioskTile
from admin_console.api.sites import SiteModel
from admin_console.gui import formats, i18n, icons
from admin_console.gui.dialogs import Dialogs
from admin_console.gui.hours_view import HoursEditor
from admin_console.gui.policy import get_path
from admin_console.gui.policy_view import FieldEditor, RuleEditor
from admin_console.gui.printer_view import PrinterPicker
from admin_console.gui.printers import PrinterDesk
from admin_console.gui.sites import (
    HOURS_FIELD,
    NAME_FIELD,
    PRINT_FIELDS,
    PRINTER_FIELD,
    RULES_FIELD,
    SitesDesk,
    language_name,
    new_rule_id,
    own_values,
    pcs_of_site,
    rule_of_error,
    site_line,
    team_ticks,
    with_text,
)
from admin_console.gui.tab_widgets import Notice, field_error, help_text, say, title
from admin_console.gui.viewmodel import room_order, tile_view
from policies import PICTOGRAMS, Language

SITE_ROLE = Qt.ItemDataRole.UserRole


class SiteDialog(QDialog):
    """A new site's name and address, or a site's new ones (admins); stays open with the
    console's reason until the console took it."""

    def __init__(self, desk: SitesDesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        lang = desk.language
        self.site_id: int | None = None
        self.name = QLineEdit()
        self.name.setMaxLength(80)
        self.name.setAccessibleName(i18n.text("sites.field.name", lang))
        self.address = QLineEdit()
        self.address.setMaxLength(300)
        self.address.setAccessibleName(i18n.text("sites.field.address", lang))
        self.error = field_error()
        self.save = QPushButton(i18n.text("sites.save_site", lang))
        self.save.setDefault(True)
        self.cancel = QPushButton(i18n.text("action.cancel", lang))
        form = QGridLayout()
        form.addWidget(QLabel(i18n.text("sites.field.name", lang)), 0, 0)
        form.addWidget(self.name, 0, 1)
        form.addWidget(QLabel(i18n.text("sites.field.address", lang)), 1, 0)
        form.addWidget(self.address, 1, 1)
        form.setColumnStretch(1, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        self.question = QLabel()
        self.question.setObjectName("sectionTitle")
        self.question.setWordWrap(True)
        layout.addWidget(self.question)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(buttons)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.resize(560, 220)
        self.save.clicked.connect(self._save)
        self.cancel.clicked.connect(self.reject)
        self.name.returnPressed.connect(self._save)
        desk.site_saved.connect(self._saved)
        desk.site_refused.connect(self._refused)

    def ask_new(self) -> None:
        """Open empty, for a new site."""
        self._open(None, "", "", i18n.text("sites.new_title", self.desk.language))

    def ask_rename(self, site: SiteModel) -> None:
        """Open with ``site``'s name and address."""
        lang = self.desk.language
        self._open(site.id, site.name, site.address, i18n.text("sites.rename_title", lang))

    def _open(self, site_id: int | None, name: str, address: str, question: str) -> None:
        self.site_id = site_id
        self.setWindowTitle(question)
        self.question.setText(question)
        self.name.setText(name)
        self.address.setText(address)
        say(self.error, "")
        self.save.setEnabled(True)
        self.show()
        self.name.setFocus()

    def _save(self) -> None:
        if not self.name.text().strip():
            say(self.error, i18n.text("sites.name_missing", self.desk.language))
            self.name.setFocus()
            return
        self.save.setEnabled(False)
        if self.site_id is None:
            self.desk.make_site(self.name.text(), self.address.text())
        else:
            self.desk.rename_site(self.site_id, self.name.text(), self.address.text())

    def _saved(self, _site: SiteModel) -> None:
        if self.isVisible():
            self.accept()

    def _refused(self, sentence: str) -> None:
        self.save.setEnabled(True)
        say(self.error, sentence)


class _SitePage(QWidget):
    """A page about one site: another site chosen clears what it last said."""

    site_id: int | None
    notice: Notice

    def show_site(self, site_id: int | None) -> None:
        """Show site ``site_id``."""
        if site_id != self.site_id:
            self.notice.setText("")
        self.site_id = site_id
        self.redraw()

    def redraw(self) -> None:
        """Draw the page for ``site_id`` again."""
        raise NotImplementedError


class TeamPage(_SitePage):
    """Who works at the site: one box per colleague."""

    def __init__(self, desk: SitesDesk, me: Callable[[], str | None]) -> None:
        super().__init__()
        self.desk = desk
        self.me = me
        lang = desk.language
        self.site_id: int | None = None
        self.boxes: dict[int, QCheckBox] = {}
        self.rows = QVBoxLayout()
        self.rows.setSpacing(6)
        host = QWidget()
        host_layout = QVBoxLayout(host)
        host_layout.addLayout(self.rows)
        host_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(host)
        self.notice = Notice()
        layout = QVBoxLayout(self)
        layout.addWidget(help_text(i18n.text("sites.team_help", lang)))
        layout.addWidget(self.notice)
        layout.addWidget(scroll, 1)
        desk.team_loaded.connect(self.redraw)
        desk.team_changed.connect(
            lambda who: self.notice.good(i18n.text("sites.team_saved", lang, name=who))
        )

    def redraw(self) -> None:
        """One box per colleague, ticked when they work here."""
        while self.rows.count():
            item = self.rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.boxes = {}
        if self.site_id is None:
            return
        lang = self.desk.language
        accounts = {a.id: a for a in self.desk.team}
        for tick in team_ticks(self.desk.team, self.site_id, self.me(), lang):
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            box = QCheckBox(tick.label)
            box.setChecked(tick.ticked)
            box.setEnabled(tick.may_change)
            line.addWidget(box)
            if tick.why_not:
                why = QLabel(tick.why_not)
                why.setObjectName("muted")
                line.addWidget(why)
            line.addStretch(1)
            box.toggled.connect(partial(self._toggled, accounts[tick.staff_id], self.site_id, box))
            self.rows.addWidget(row)
            self.boxes[tick.staff_id] = box

    def _toggled(self, account: Any, site_id: int, box: QCheckBox, on: bool) -> None:
        box.setEnabled(False)  # until the console answered
        self.notice.setText("")
        self.desk.set_works_at(account, site_id, on)


class PcsPage(_SitePage):
    """The site's PCs; one is moved to another site after a question."""

    def __init__(
        self, desk: SitesDesk, pcs: Callable[[], dict[int, KioskTile]], dialogs: Dialogs
    ) -> None:
        super().__init__()
        self.desk = desk
        self.pcs = pcs
        self.dialogs = dialogs
        lang = desk.language
        self.site_id: int | None = None
        self.list = QListWidget()
        self.list.setAccessibleName(i18n.text("sites.tab.pcs", lang))
        self.none = help_text(i18n.text("sites.pcs_none", lang))
        self.target = QComboBox()
        self.target.setMinimumWidth(220)
        self.move_button = QPushButton(icons.icon("go"), i18n.text("sites.move", lang))
        self.move_label = QLabel(i18n.text("sites.move_to", lang))
        self.notice = Notice()
        move_row = QHBoxLayout()
        move_row.addWidget(self.move_label)
        move_row.addWidget(self.target)
        move_row.addWidget(self.move_button)
        move_row.addStretch(1)
        self.move_row = QWidget()
        self.move_row.setLayout(move_row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.none)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.move_row)
        layout.addWidget(self.notice)
        self.move_button.clicked.connect(self._move)
        self.list.currentRowChanged.connect(lambda _row: self._enable())
        desk.pc_moved.connect(self._moved)

    def redraw(self) -> None:
        """The list of PCs (name, place, state) and the other sites."""
        lang = self.desk.language
        chosen = self.chosen_pc()
        self.list.clear()
        here = room_order(pcs_of_site(self.pcs(), self.site_id)) if self.site_id else []
        for pc in here:
            view = tile_view(pc, lang)
            words = " — ".join(p for p in (pc.name, pc.location, view.headline) if p)
            item = QListWidgetItem(words)
            item.setData(SITE_ROLE, pc.id)
            self.list.addItem(item)
            if pc.id == chosen:
                self.list.setCurrentItem(item)
        self.none.setVisible(not here)
        self.list.setVisible(bool(here))
        others = [s for s in self.desk.sites if s.id != self.site_id]
        self.target.clear()
        for site in others:
            self.target.addItem(site.name, site.id)
        self.move_row.setVisible(bool(others) and bool(here))
        self._enable()

    def chosen_pc(self) -> int | None:
        """The PC picked in the list."""
        item = self.list.currentItem()
        value = item.data(SITE_ROLE) if item is not None else None
        return value if isinstance(value, int) else None

    def _enable(self) -> None:
        self.move_button.setEnabled(self.chosen_pc() is not None and self.target.count() > 0)

    def _move(self) -> None:
        lang = self.desk.language
        pc = self.pcs().get(self.chosen_pc() or 0)
        site_id = self.target.currentData()
        if pc is None or not isinstance(site_id, int):
            return
        question = i18n.text(
            "sites.move_question", lang, pc=pc.name, site=self.target.currentText()
        )
        if self.dialogs.confirm(self, i18n.text("sites.move_title", lang), question):
            self.notice.setText("")
            self.desk.move_pc(pc.id, site_id)

    def _moved(self, tile: KioskTile) -> None:
        lang = self.desk.language
        site = next((s.name for s in self.desk.sites if s.id == tile.site_id), "")
        self.notice.good(i18n.text("sites.moved", lang, pc=tile.name, site=site))
        self.redraw()


class HouseRulesBox(QGroupBox):
    """The site's own house rules, shown on its PCs after the network's: each written in
    every language the policy offers, one language shown at a time (what was typed in the
    others is kept), with a pictogram chosen for each; rules added and removed."""

    def __init__(self, language: Language) -> None:
        super().__init__(i18n.text("sites.own_rules", language))
        self.staff_language = language
        self.rules: list[dict[str, Any]] = []
        """The site's rules as policy data, with what staff typed."""
        self.network_rules: list[Mapping[str, Any]] = []
        self.editors: list[RuleEditor] = []
        self.pictures: list[QComboBox] = []
        self.shown: str | None = None
        """The language whose texts the editors show."""
        self.language = QComboBox()
        self.language.setAccessibleName(i18n.text("policy.rules_language", language))
        self.none = help_text(i18n.text("sites.own_rules_none", language))
        self.add = QPushButton(icons.icon("extend"), i18n.text("sites.add_rule", language))
        self.error = field_error()
        self.host = QVBoxLayout()
        picker = QHBoxLayout()
        picker.addWidget(QLabel(i18n.text("policy.rules_language", language)))
        picker.addWidget(self.language)
        picker.addStretch(1)
        adding = QHBoxLayout()
        adding.addWidget(self.add)
        adding.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(help_text(i18n.text("sites.own_rules_help", language)))
        layout.addLayout(picker)
        layout.addWidget(self.none)
        layout.addLayout(self.host)
        layout.addWidget(self.error)
        layout.addLayout(adding)
        self.language.currentIndexChanged.connect(lambda _i: self._switch_language())
        self.add.clicked.connect(self._add)

    def show_rules(
        self,
        rules: Sequence[Mapping[str, Any]],
        network_rules: Sequence[Mapping[str, Any]],
        languages: Sequence[str],
    ) -> None:
        """Show the site's ``rules`` in the ``languages`` the policy offers (the one shown
        stays shown when it is still offered); ``network_rules`` keep their ids."""
        self.rules = [copy.deepcopy(dict(rule)) for rule in rules]
        self.network_rules = list(network_rules)
        self.language.blockSignals(True)
        self.language.clear()
        for code in languages:
            self.language.addItem(language_name(code), code)
        at = self.language.findData(self.shown)
        self.language.setCurrentIndex(max(at, 0))
        self.language.blockSignals(False)
        self.shown = None  # nothing typed on the editors yet: nothing to keep
        self._draw()

    def value(self) -> list[dict[str, Any]]:
        """The site's rules, with what was typed in every language."""
        self._keep_typed()
        return copy.deepcopy(self.rules)

    def complain(self, sentence: str, field: str = "") -> None:
        """The console's reason, under the rule that ``field`` names
        (``extra_house_rules[0].texts``), or under the rules."""
        rule = rule_of_error(field)
        if rule is not None and 0 <= rule[0] < len(self.editors):
            editor = self.editors[rule[0]]
            said = editor.error.text() if editor.error.isVisible() else ""
            editor.complain(" ".join(p for p in (said, sentence) if p))
        else:
            say(self.error, " ".join(p for p in (self.error.text(), sentence) if p).strip())

    def clear_complaints(self) -> None:
        """Nothing said under the rules."""
        say(self.error, "")
        for editor in self.editors:
            editor.complain("")

    def _keep_typed(self) -> None:
        if self.shown is None:
            return
        for index, editor in enumerate(self.editors):
            self.rules[index] = with_text(self.rules[index], self.shown, *editor.texts())

    def _switch_language(self) -> None:
        self._keep_typed()
        code = self.language.currentData()
        if not isinstance(code, str):
            return
        languages = [str(self.language.itemData(i)) for i in range(self.language.count())]
        for rule, editor in zip(self.rules, self.editors, strict=True):
            texts = rule.get("texts") or {}
            own = texts.get(code) or {}
            editor.set_texts(own.get("short", ""), own.get("long", ""), Language(code))
            # The text in another language, greyed in an empty field: what to translate.
            other: Mapping[str, str] = next(
                (texts[c] for c in languages if c != code and c in texts), {}
            )
            editor.short.setPlaceholderText(other.get("short", ""))
            editor.long.setPlaceholderText(other.get("long", ""))
        self.shown = code

    def _draw(self) -> None:
        for old in self.editors:
            # Not setParent(None): a parentless widget is a window, and asks the platform.
            self.host.removeWidget(old)
            old.hide()
            old.deleteLater()
        self.editors, self.pictures = [], []
        lang = self.staff_language
        for index, rule in enumerate(self.rules):
            pictogram = str(rule.get("pictogram", ""))
            heading = i18n.text("sites.rule_heading", lang, n=index + 1)
            editor = RuleEditor(str(rule.get("id", "")), pictogram, heading)
            picture = QComboBox()
            picture.setAccessibleName(i18n.text("sites.pictogram", lang))
            for name in sorted(PICTOGRAMS):
                picture.addItem(
                    QIcon(icons.pictogram(name, 24)),
                    i18n.text(f"sites.pictogram.{name}", lang),
                    name,
                )
            picture.setCurrentIndex(max(picture.findData(pictogram), 0))
            picture.currentIndexChanged.connect(partial(self._pictogram_chosen, index))
            remove = QPushButton(i18n.text("sites.remove_rule", lang))
            remove.clicked.connect(partial(self._remove, index))
            editor.heading.addWidget(picture)
            editor.heading.addWidget(remove)
            self.host.addWidget(editor)
            self.editors.append(editor)
            self.pictures.append(picture)
        self.none.setVisible(not self.rules)
        self._switch_language()

    def _pictogram_chosen(self, index: int, _at: int) -> None:
        name = str(self.pictures[index].currentData())
        self.rules[index]["pictogram"] = name
        self.editors[index].show_pictogram(name)

    def _add(self) -> None:
        self._keep_typed()
        rule_id = new_rule_id([*self.network_rules, *self.rules])
        self.rules.append({"id": rule_id, "pictogram": "respect", "texts": {}})
        self.shown = None
        self._draw()
        self.editors[-1].short.setFocus()

    def _remove(self, index: int, _checked: bool = False) -> None:
        self._keep_typed()
        del self.rules[index]
        self.shown = None
        self._draw()


class SettingsPage(QScrollArea):
    """The site's own settings over the network's: its name on the PCs, printing and
    opening hours, each ticked as the site's own or left to the network (its value shown
    beside), and house rules of its own after the network's."""

    def __init__(self, desk: SitesDesk, printers: PrinterDesk, epn_name: Callable[[], str]) -> None:
        super().__init__()
        self.desk = desk
        lang = desk.language
        self.site_id: int | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.fields: dict[str, FieldEditor] = {}
        self.own: dict[str, QCheckBox] = {}
        self.network: dict[str, QLabel] = {}
        self.notice = Notice()
        self.save = QPushButton(i18n.text("sites.save_rules", lang))
        self.save.setMinimumHeight(38)
        on_pcs = self._build_name()
        self.house_rules = HouseRulesBox(lang)
        printing = QGroupBox(i18n.text("policy.section.printing", lang))
        grid = QGridLayout(printing)
        grid.setHorizontalSpacing(12)
        for row, spec in enumerate(PRINT_FIELDS):
            label = QLabel(i18n.text(f"policy.field.{spec.path}", lang))
            label.setWordWrap(True)
            label.setMinimumWidth(220)
            editor = FieldEditor(spec, lang)
            self._row(grid, row, spec.path, label, editor)
            self.fields[spec.path] = editor
        printer_box = self._build_printer(printers, epn_name)
        self.hours_own = QCheckBox(i18n.text("sites.own_hours", lang))
        self.own[HOURS_FIELD] = self.hours_own
        self.hours = HoursEditor(lang)
        top = QHBoxLayout()
        top.addWidget(help_text(i18n.text("sites.rules_help", lang)), 1)
        top.addWidget(self.save)
        host = QWidget()
        layout = QVBoxLayout(host)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(on_pcs)
        layout.addWidget(self.house_rules)
        layout.addWidget(printing)
        layout.addWidget(self.hours_own)
        layout.addWidget(self.hours)
        layout.addWidget(printer_box)
        layout.addStretch(1)
        self.setWidget(host)
        for path, box in self.own.items():
            box.toggled.connect(lambda _on, p=path: self._own_toggled(p))
        self.save.clicked.connect(self._save)
        desk.rules_loaded.connect(self._loaded)
        desk.rules_saved.connect(lambda _s: self.notice.good(i18n.text("sites.rules_saved", lang)))
        desk.rules_refused.connect(self.show_errors)

    def _build_name(self) -> QGroupBox:
        lang = self.desk.language
        on_pcs = QGroupBox(i18n.text("sites.section.pcs", lang))
        grid = QGridLayout(on_pcs)
        grid.setHorizontalSpacing(12)
        label = QLabel(i18n.text("sites.field.pc_name", lang))
        label.setWordWrap(True)
        label.setMinimumWidth(220)
        name = FieldEditor(NAME_FIELD, lang)
        if isinstance(name.input, QLineEdit):
            name.input.setMaxLength(80)  # as the policy's name
            name.input.setMinimumWidth(260)
        name.input.setAccessibleName(i18n.text("sites.field.pc_name", lang))
        self._row(grid, 0, NAME_FIELD.path, label, name)
        self.fields[NAME_FIELD.path] = name
        grid.addWidget(help_text(i18n.text("sites.help.pc_name", lang)), 1, 0, 1, 4)
        return on_pcs

    def _build_printer(self, printers: PrinterDesk, epn_name: Callable[[], str]) -> QGroupBox:
        lang = self.desk.language
        self.printer_own = QCheckBox(i18n.text("sites.own_printer", lang))
        self.printer_network = QLabel()
        self.printer_network.setObjectName("muted")
        self.printer_network.setWordWrap(True)
        self.printer = PrinterPicker(printers, epn_name)
        self.own[PRINTER_FIELD] = self.printer_own
        self.network[PRINTER_FIELD] = self.printer_network
        printer_box = QGroupBox(i18n.text("printer.title", lang))
        printer_layout = QVBoxLayout(printer_box)
        printer_layout.addWidget(self.printer_own)
        printer_layout.addWidget(self.printer_network)
        printer_layout.addWidget(self.printer)
        return printer_box

    def _row(
        self, grid: QGridLayout, row: int, path: str, label: QLabel, editor: FieldEditor
    ) -> None:
        lang = self.desk.language
        own = QCheckBox(i18n.text("sites.own_value", lang))
        own.setAccessibleName(f"{path}: {i18n.text('sites.own_value', lang)}")
        network = QLabel()
        network.setObjectName("muted")
        grid.addWidget(label, row, 0)
        grid.addWidget(own, row, 1)
        grid.addWidget(editor, row, 2)
        grid.addWidget(network, row, 3)
        grid.setColumnStretch(3, 1)
        self.own[path] = own
        self.network[path] = network

    def show_site(self, site_id: int | None) -> None:
        """Load the settings of site ``site_id``."""
        self.site_id = site_id
        self.notice.setText("")
        if site_id is not None:
            self.desk.load_rules(site_id)

    def _network_value(self, path: str) -> Any:
        state = self.desk.network
        return get_path(state.policy, path) if state is not None else None

    def _said(self, path: str, value: Any) -> str:
        lang = self.desk.language
        if value is None:
            return "—"
        if path.endswith("_cents"):
            return f"{value} ({formats.money(int(value), lang)})"  # typed in cents
        return str(value)

    def _loaded(self, site_id: int) -> None:
        if site_id != self.site_id:
            return
        lang = self.desk.language
        own = own_values(self.desk.rules[site_id].rules)
        for path, box in self.own.items():
            box.blockSignals(True)
            box.setChecked(path in own)
            box.blockSignals(False)
        for path, editor in self.fields.items():
            editor.complain("")
            network = self._network_value(path)
            self.network[path].setText(
                i18n.text("sites.network_value", lang, value=self._said(path, network))
            )
            editor.set_value(own.get(path, network))
        printer = self._network_value(PRINTER_FIELD)
        self.printer_network.setText(
            i18n.text(
                "sites.network_printer",
                lang,
                printer=printer or i18n.text("sites.network_no_printer", lang),
            )
        )
        self.printer.set_value(own.get(PRINTER_FIELD, printer))
        self.hours.show_hours(own.get(HOURS_FIELD, self._network_value(HOURS_FIELD)))
        network = self.desk.network.policy if self.desk.network is not None else {}
        self.house_rules.clear_complaints()
        self.house_rules.show_rules(
            own.get(RULES_FIELD, []),
            get_path(network, "house_rules.rules") or [],
            network.get("languages") or [lang.value],
        )
        for path in self.own:
            self._own_toggled(path, reset=False)

    def _own_toggled(self, path: str, reset: bool = True) -> None:
        # Not the site's own: the network's value, greyed; the site's own: editable.
        on = self.own[path].isChecked()
        if path == HOURS_FIELD:
            if not on and reset:
                self.hours.show_hours(self._network_value(HOURS_FIELD))
            self.hours.set_editable(on)
        elif path == PRINTER_FIELD:
            if not on and reset:
                self.printer.set_value(self._network_value(PRINTER_FIELD))
            self.printer.set_editable(on)
        else:
            editor = self.fields[path]
            if not on and reset:
                editor.set_value(self._network_value(path))
            editor.input.setEnabled(on)

    def own_settings(self) -> dict[str, Any] | None:
        """The values ticked as the site's own, by path, and the site's house rules as
        typed (None: the hours are not right, said under them)."""
        found: dict[str, Any] = {}
        for path, editor in self.fields.items():
            if self.own[path].isChecked():
                found[path] = editor.value()
        if self.printer_own.isChecked():
            found[PRINTER_FIELD] = self.printer.value()
        if self.hours_own.isChecked():
            if not self.hours.check():
                return None
            found[HOURS_FIELD] = self.hours.value()
        found[RULES_FIELD] = self.house_rules.value()
        return found

    def _save(self) -> None:
        self.notice.setText("")
        for editor in self.fields.values():
            editor.complain("")
        self.hours.complain("")
        self.house_rules.clear_complaints()
        own = self.own_settings()
        if own is None:
            self.notice.bad(i18n.text("sites.fix_hours", self.desk.language))
            return
        if self.site_id is not None:
            self.desk.save_rules(self.site_id, own)

    def show_errors(self, errors: dict[str, str]) -> None:
        """The console's reasons, next to the fields they name."""
        lang = self.desk.language
        others = []
        for name, sentence in errors.items():
            field = next((p for p in self.fields if name == p or name.startswith(p + ".")), None)
            if name == RULES_FIELD or rule_of_error(name) is not None:
                self.house_rules.complain(sentence, name)
            elif field is not None:
                self.fields[field].complain(sentence)
            elif name.startswith(HOURS_FIELD):
                self.hours.complain(sentence, name)
            else:
                others.append(sentence)
        self.notice.bad(" ".join([i18n.text("sites.rules_refused", lang), *others]).strip())


class SitesScreen(QWidget):
    """The sites on the left; the chosen one's team, PCs and settings on the right."""

    def __init__(
        self,
        desk: SitesDesk,
        *,
        pcs: Callable[[], dict[int, KioskTile]],
        me: Callable[[], str | None],
        printers: PrinterDesk,
        epn_name: Callable[[], str],
        dialogs: Dialogs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        lang = desk.language
        self.admin = False
        self._wanted: int | None = None
        """A site just made or renamed: chosen when the list comes again."""
        self.list = self._build_list()
        self.new_site = QPushButton(icons.icon("extend"), i18n.text("sites.new", lang))
        self.rename = QPushButton(i18n.text("sites.rename", lang))
        self.dialog = SiteDialog(desk, self)
        self.name = title("")
        self.address = QLabel()
        self.address.setObjectName("muted")
        self.address.setWordWrap(True)
        self.notice = Notice()
        self.team = TeamPage(desk, me)
        self.pcs = PcsPage(desk, pcs, dialogs)
        self.settings = SettingsPage(desk, printers, epn_name)
        self.pages = QTabWidget()
        self.pages.addTab(self.team, icons.icon("members"), i18n.text("sites.tab.team", lang))
        self.pages.addTab(self.pcs, icons.icon("broken"), i18n.text("sites.tab.pcs", lang))
        self.pages.addTab(
            self.settings, icons.icon("policy"), i18n.text("sites.tab.settings", lang)
        )
        left = QVBoxLayout()
        left.addWidget(title(i18n.text("sites.title", lang)))
        left.addWidget(self.list, 1)
        left.addWidget(self.new_site)
        head = QHBoxLayout()
        head.addWidget(self.name)
        head.addSpacing(12)
        head.addWidget(self.address, 1)
        head.addWidget(self.rename)
        right = QVBoxLayout()
        right.addLayout(head)
        right.addWidget(self.notice)
        right.addWidget(self.pages, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addSpacing(8)
        layout.addLayout(right, 1)
        self.new_site.clicked.connect(self.dialog.ask_new)
        self.rename.clicked.connect(self._rename)
        self.list.currentRowChanged.connect(lambda _row: self._chosen())
        desk.sites_loaded.connect(self.redraw)
        desk.site_saved.connect(self._site_saved)
        desk.failed.connect(self.notice.bad)
        self.set_admin(False)
        self.redraw()

    def _build_list(self) -> QListWidget:
        sites = QListWidget()
        sites.setAccessibleName(i18n.text("tab.sites", self.desk.language))
        sites.setMinimumWidth(260)
        sites.setMaximumWidth(340)
        sites.setWordWrap(True)  # a long name on two lines, not cut
        sites.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        sites.setSpacing(2)
        return sites

    def set_admin(self, admin: bool) -> None:
        """Admins make and rename sites."""
        self.admin = admin
        self.new_site.setVisible(admin)
        self.rename.setVisible(admin and self.site() is not None)

    def load(self) -> None:
        """The sites and the team, as the console has them now."""
        self.notice.setText("")
        self.desk.load()
        self.desk.load_team()

    def site(self) -> SiteModel | None:
        """The site chosen in the list."""
        item = self.list.currentItem()
        site_id = item.data(SITE_ROLE) if item is not None else None
        return next((s for s in self.desk.sites if s.id == site_id), None)

    def choose(self, site_id: int) -> None:
        """Pick a site in the list, as staff would."""
        for row in range(self.list.count()):
            if self.list.item(row).data(SITE_ROLE) == site_id:
                self.list.setCurrentRow(row)
                return

    def redraw(self) -> None:
        """The list of sites; the one chosen stays chosen."""
        lang = self.desk.language
        before = self.site()
        self.list.blockSignals(True)
        self.list.clear()
        for site in self.desk.sites:
            item = QListWidgetItem(site_line(site, lang))
            item.setData(SITE_ROLE, site.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if before is not None:
            self.choose(before.id)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self._chosen()

    def _chosen(self) -> None:
        site = self.site()
        self.name.setText(site.name if site else i18n.text("sites.none", self.desk.language))
        self.address.setText(site.address if site else "")
        self.rename.setVisible(self.admin and site is not None)
        self.pages.setEnabled(site is not None)
        site_id = site.id if site else None
        self.team.show_site(site_id)
        self.pcs.show_site(site_id)
        if site_id != self.settings.site_id:
            self.settings.show_site(site_id)

    def _rename(self) -> None:
        site = self.site()
        if site is not None:
            self.dialog.ask_rename(site)

    def _site_saved(self, site: SiteModel) -> None:
        self.notice.good(i18n.text("sites.site_saved", self.desk.language, name=site.name))
        self._wanted = site.id
        # The list comes again (sites_loaded): the new or renamed site is chosen then.
        self.desk.sites_loaded.connect(self._choose_saved, Qt.ConnectionType.SingleShotConnection)

    def _choose_saved(self) -> None:
        if self._wanted is not None:
            self.choose(self._wanted)
