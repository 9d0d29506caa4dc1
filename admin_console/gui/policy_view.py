"""The policy tab: the form made from the policy model's fields, house-rule texts per
language, and which PCs already run the policy in force. Animators read; managers edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from admin_console.api.room import KioskTile
from admin_console.gui import formats, i18n, icons
from admin_console.gui.hours_view import HoursEditor
from admin_console.gui.policy import (
    SECTIONS,
    FieldKind,
    FieldSpec,
    PolicyDesk,
    choice_label,
    field_help,
    field_label,
    get_path,
    parse_numbers,
    rule_pictograms,
    rule_texts,
)
from admin_console.gui.printer_view import PrinterPicker
from admin_console.gui.printers import PrinterDesk
from admin_console.gui.tab_widgets import Notice, title
from admin_console.gui.viewmodel import room_order
from policies import Language


class FieldEditor(QWidget):
    """One field: its input, its range, what it is for, and the console's complaint under
    it."""

    def __init__(self, spec: FieldSpec, language: Language) -> None:
        super().__init__()
        self.spec = spec
        self.input: QSpinBox | QLineEdit | QComboBox
        if spec.kind is FieldKind.NUMBER:
            box = QSpinBox()
            box.setRange(spec.minimum or 0, spec.maximum if spec.maximum is not None else 100_000)
            box.setMinimumWidth(110)
            self.input = box
        elif spec.kind is FieldKind.CHOICE:
            choice = QComboBox()
            for value in spec.choices:
                choice.addItem(choice_label(spec, value), value)
            choice.setMinimumWidth(160)
            self.input = choice
        else:
            self.input = QLineEdit()
            self.input.setMinimumWidth(160)
        helping = field_help(spec, language)
        self.input.setToolTip(helping or spec.description)
        self.input.setAccessibleName(spec.path)
        hint = ""
        if spec.minimum is not None and spec.maximum is not None:
            hint = i18n.text("policy.range", language, low=spec.minimum, high=spec.maximum)
        self.hint = QLabel(hint)
        self.hint.setObjectName("muted")
        self.help: QLabel | None = None
        """What the field is for, when the console says more than its label; the form
        shows it under the whole row, where it needs fewer lines."""
        if helping is not None:
            self.help = QLabel(helping)
            self.help.setObjectName("muted")
            self.help.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.input)
        row.addWidget(self.hint)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.error)

    def set_value(self, value: Any) -> None:
        """Show the policy's value."""
        if isinstance(self.input, QSpinBox):
            self.input.setValue(int(value or 0))
        elif isinstance(self.input, QComboBox):
            self.input.setCurrentIndex(self.input.findData(value))
        elif isinstance(value, list | tuple):
            self.input.setText(", ".join(str(v) for v in value))
        else:
            self.input.setText("" if value is None else str(value))

    def value(self) -> Any:
        """What staff typed, as the policy holds it (None: a list that cannot be read)."""
        if isinstance(self.input, QSpinBox):
            return self.input.value()
        if isinstance(self.input, QComboBox):
            return self.input.currentData()
        if self.spec.kind is FieldKind.NUMBERS:
            return parse_numbers(self.input.text())
        return self.input.text().strip()

    def complain(self, sentence: str) -> None:
        """Show the console's reason next to the field (empty: clear it)."""
        self.error.setText(sentence)
        self.error.setVisible(bool(sentence))


class RuleEditor(QFrame):
    """One house rule in the chosen language: the short sentence and the explanation
    (``heading``: what names the rule above them, its id by default)."""

    def __init__(self, rule_id: str, pictogram: str, heading: str | None = None) -> None:
        super().__init__()
        self.setObjectName("ruleBox")
        self.rule_id = rule_id
        self.short = QLineEdit()
        self.short.setMaxLength(140)
        self.long = QPlainTextEdit()
        self.long.setFixedHeight(64)
        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.hide()
        name = QLabel(rule_id if heading is None else heading)
        name.setObjectName("muted")
        self.picture = QLabel()
        self.show_pictogram(pictogram)
        self.heading = QHBoxLayout()
        """The rule's pictogram and name; a page may add its own buttons there."""
        self.heading.addWidget(self.picture)
        self.heading.addWidget(name, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(self.heading)
        layout.addWidget(self.short)
        layout.addWidget(self.long)
        layout.addWidget(self.error)

    def show_pictogram(self, pictogram: str) -> None:
        """Show the rule's pictogram (as the PCs show it)."""
        self.picture.setPixmap(icons.pictogram(pictogram, 32))
        self.picture.setToolTip(pictogram)

    def set_texts(self, short: str, long: str, language: Language) -> None:
        """Show the rule's texts in ``language``, written in its direction."""
        self.short.setText(short)
        self.long.setPlainText(long)
        direction = (
            Qt.LayoutDirection.RightToLeft
            if language.right_to_left
            else Qt.LayoutDirection.LeftToRight
        )
        self.short.setLayoutDirection(direction)
        self.long.setLayoutDirection(direction)

    def texts(self) -> tuple[str, str]:
        """The short sentence and the explanation as typed."""
        return self.short.text(), self.long.toPlainText()

    def complain(self, sentence: str) -> None:
        """Show the console's reason under the rule (empty: clear it)."""
        self.error.setText(sentence)
        self.error.setVisible(bool(sentence))


class PolicyScreen(QWidget):
    """The policy in force; editable by managers."""

    def __init__(
        self,
        desk: PolicyDesk,
        pcs: Callable[[], dict[int, KioskTile]],
        printers: PrinterDesk,
        epn_name: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.pcs = pcs
        self.printers = printers
        self.epn_name = epn_name
        lang = desk.language
        self.editable = False
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.save = QPushButton(i18n.text("policy.save", lang))
        self.save.setMinimumHeight(38)
        self.reload = QPushButton(i18n.text("common.refresh", lang))
        self.read_only = QLabel(i18n.text("policy.read_only", lang))
        self.read_only.setObjectName("muted")
        self.notice = Notice()
        top = QHBoxLayout()
        top.addWidget(title(i18n.text("policy.title", lang)))
        top.addSpacing(12)
        top.addWidget(self.about, 1)
        top.addWidget(self.read_only)
        top.addWidget(self.reload)
        top.addWidget(self.save)

        columns = QHBoxLayout()
        columns.addLayout(self._build_form(), 1)
        columns.addWidget(self._build_rules(), 1)
        host = QWidget()
        host.setLayout(columns)
        self.form_area = QScrollArea()
        self.form_area.setWidgetResizable(True)
        self.form_area.setFrameShape(QFrame.Shape.NoFrame)
        self.form_area.setWidget(host)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.form_area, 1)

        self.save.clicked.connect(self._save)
        self.reload.clicked.connect(desk.load)
        self.language.currentIndexChanged.connect(lambda _i: self._switch_language())
        desk.loaded.connect(self.show_policy)
        desk.saved.connect(self._saved)
        desk.failed.connect(self.notice.bad)
        desk.field_errors.connect(self.show_errors)
        self.set_editable(False)
        self.show_policy()

    def _build_form(self) -> QVBoxLayout:
        lang = self.desk.language
        self.fields: dict[str, FieldEditor] = {}
        form_column = QVBoxLayout()
        for section_key, specs in SECTIONS:
            group = QGroupBox(i18n.text(section_key, lang))
            form = QFormLayout(group)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
            for spec in specs:
                editor = FieldEditor(spec, lang)
                self.fields[spec.path] = editor
                label = QLabel(field_label(spec, lang))
                label.setWordWrap(True)
                label.setMinimumWidth(220)
                label.setToolTip(field_help(spec, lang) or spec.description)
                form.addRow(label, editor)
                if editor.help is not None:
                    form.addRow(editor.help)
            form_column.addWidget(group)
        self.printer_box = QGroupBox(i18n.text("printer.title", lang))
        self.printer = PrinterPicker(self.printers, self.epn_name)
        QVBoxLayout(self.printer_box).addWidget(self.printer)
        form_column.addWidget(self.printer_box)
        self.hours = HoursEditor(lang)
        form_column.addWidget(self.hours)
        self.pcs_box = QGroupBox(i18n.text("policy.pcs", lang))
        self.pcs_text = QLabel()
        self.pcs_text.setWordWrap(True)
        QVBoxLayout(self.pcs_box).addWidget(self.pcs_text)
        form_column.addWidget(self.pcs_box)
        form_column.addStretch(1)

        return form_column

    def _build_rules(self) -> QGroupBox:
        lang = self.desk.language
        self.language = QComboBox()
        for language in Language:
            self.language.addItem(language.native_name, language.value)
        rules_group = QGroupBox(i18n.text("policy.rules", lang))
        rules_layout = QVBoxLayout(rules_group)
        picker = QHBoxLayout()
        picker.addWidget(QLabel(i18n.text("policy.rules_language", lang)))
        picker.addWidget(self.language)
        picker.addStretch(1)
        rules_layout.addLayout(picker)
        self.rules_host = QVBoxLayout()
        rules_layout.addLayout(self.rules_host)
        rules_layout.addStretch(1)
        self.rules: list[RuleEditor] = []
        self.typed: dict[str, list[tuple[str, str]]] = {}
        """Rule texts staff typed, per language code, kept when switching language."""
        self._shown_language: str | None = None

        return rules_group

    def set_editable(self, editable: bool) -> None:
        """Managers edit; animators only read."""
        self.editable = editable
        for editor in self.fields.values():
            editor.input.setEnabled(editable)
        self.hours.set_editable(editable)
        self.printer.set_editable(editable)
        for rule in self.rules:
            rule.short.setReadOnly(not editable)
            rule.long.setReadOnly(not editable)
        self.save.setVisible(editable)
        self.read_only.setVisible(not editable)

    def _saved(self) -> None:
        self.notice.good(i18n.text("policy.saved", self.desk.language))

    def show_policy(self) -> None:
        """The policy in force, and which PCs run it; what staff typed is dropped."""
        lang = self.desk.language
        state = self.desk.state
        for editor in self.fields.values():
            editor.complain("")
        self.hours.complain("")
        self.notice.setText("")
        self.typed = {}
        self._shown_language = None
        if state is None:
            self.about.setText(i18n.text("policy.not_loaded", lang))
            self._show_rules([])
            self.show_pcs()
            return
        when = formats.day_and_time(state.changed_at, lang) if state.changed_at else "—"
        self.about.setText(
            i18n.text(
                "policy.about",
                lang,
                version=state.policy_version,
                when=when,
                who=state.changed_by or "—",
            )
        )
        for path, editor in self.fields.items():
            editor.set_value(get_path(state.policy, path))
        self.hours.show_hours(get_path(state.policy, "opening_hours"))
        self.printer.set_value(get_path(state.policy, "printing.printer_uri"))
        if self.editable and self.printers.last is None and not self.printers.searching:
            self.printer.search()  # managers choose from what CUPS knows: asked once
        self._switch_language()
        self.show_pcs()

    def show_pcs(self) -> None:
        """PCs on the policy in force, and the others (with what they run)."""
        lang = self.desk.language
        state = self.desk.state
        pcs = room_order(self.pcs())
        if state is None or not pcs:
            self.pcs_text.setText(i18n.text("policy.pcs_unknown", lang))
            return
        current = [pc.name for pc in pcs if pc.policy_version == state.policy_version]
        behind = [
            f"{pc.name} ({pc.policy_version or '?'})"
            for pc in pcs
            if pc.policy_version != state.policy_version
        ]
        lines = [i18n.text("policy.pcs_current", lang, pcs=formats.listed(current, lang) or "—")]
        if behind:
            lines.append(i18n.text("policy.pcs_behind", lang, pcs=formats.listed(behind, lang)))
        self.pcs_text.setText("\n".join(lines))

    def _keep_typed(self) -> None:
        if self._shown_language is not None and self.rules:
            self.typed[self._shown_language] = [rule.texts() for rule in self.rules]

    def _switch_language(self) -> None:
        self._keep_typed()
        code = str(self.language.currentData())
        state = self.desk.state
        texts = rule_texts(state.policy, code) if state else []
        typed = self.typed.get(code)
        self._show_rules(
            [
                (rule_id, *(typed[i] if typed else (short, long)))
                for i, (rule_id, short, long) in enumerate(texts)
            ],
            Language(code),
        )
        self._shown_language = code

    def _show_rules(
        self, rules: list[tuple[str, str, str]], language: Language = Language.EN
    ) -> None:
        for old in self.rules:
            # Not setParent(None): a parentless widget is a window, and asks the platform.
            self.rules_host.removeWidget(old)
            old.hide()
            old.deleteLater()
        self.rules = []
        state = self.desk.state
        pictograms = rule_pictograms(state.policy) if state else []
        for index, (rule_id, short, long) in enumerate(rules):
            picture = pictograms[index] if index < len(pictograms) else ""
            editor = RuleEditor(rule_id, picture)
            editor.set_texts(short, long, language)
            editor.short.setReadOnly(not self.editable)
            editor.long.setReadOnly(not self.editable)
            self.rules_host.addWidget(editor)
            self.rules.append(editor)

    def _save(self) -> None:
        lang = self.desk.language
        self.notice.setText("")
        values: dict[str, Any] = {}
        problems = False
        for path, editor in self.fields.items():
            editor.complain("")
            value = editor.value()
            if value is None:
                editor.complain(i18n.text("policy.bad_numbers", lang))
                problems = True
            values[path] = value
        self.hours.complain("")
        if not self.hours.check():
            self.notice.bad(i18n.text("hours.fix_first", lang))
            return
        if problems:
            return
        values["opening_hours"] = self.hours.value()
        values["printing.printer_uri"] = self.printer.value()
        self._keep_typed()
        self.desk.save(self.desk.edited(values, self.typed))

    def show_errors(self, errors: dict[str, str]) -> None:
        """The console's complaints, each next to its field; the typed values stay."""
        lang = self.desk.language
        placed = []
        for name, sentence in errors.items():
            editor = self.fields.get(name)
            if editor is not None:
                editor.complain(sentence)
                placed.append(name)
            elif name.split(".")[0] == "opening_hours":
                self.hours.complain(sentence, name)
                placed.append(name)
            elif name == "printing.printer_uri":
                self.printer.notice.bad(i18n.text("printer.refused", lang))
                placed.append(name)
            elif ".rules." in name:
                self._rule_error(name, sentence)
        unplaced = [f"{n}: {s}" if n else s for n, s in errors.items() if n not in placed]
        self.notice.bad(
            i18n.text("policy.refused", lang) + (" " + "; ".join(unplaced) if unplaced else "")
        )

    def _rule_error(self, name: str, sentence: str) -> None:
        # house_rules.rules.3.texts.fr.short: shown on rule 3 when that language is shown.
        parts = name.split(".")
        try:
            index = int(parts[parts.index("rules") + 1])
        except (ValueError, IndexError):
            return
        if 0 <= index < len(self.rules):
            self.rules[index].complain(sentence)
