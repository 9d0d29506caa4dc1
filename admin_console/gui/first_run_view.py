"""The first-run assistant: shown to an admin while the console was never set up.

Five steps, each with what it is for and each field checked before going on: the EPN's
name and address (kept by the console: the window's title, later the reports), the
opening hours (the policy tab's editor), printing prices and page limits, the room's
printer (chosen from what CUPS knows on the console machine, tried with a test page), and
the house rules' languages. "Later" leaves without saving anything, and the assistant comes back at
the next login; "Finish" saves the policy (one change, pushed to the PCs) and then marks
the console set up. Everything stays editable in the tabs afterwards.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from admin_console.api.setup import EPN_NAME_MAX
from admin_console.gui import i18n
from admin_console.gui.hours_view import HoursEditor
from admin_console.gui.policy import PolicyDesk, field_label, get_path, model_specs
from admin_console.gui.policy_view import FieldEditor
from admin_console.gui.printer_view import PrinterPicker
from admin_console.gui.printers import PrinterDesk
from admin_console.gui.setup import SetupDesk, address_problem, name_problem
from admin_console.gui.tab_widgets import Notice, field_error, help_text, say, title
from policies import Language
from policies.model import PrintRules

STEPS = ("epn", "hours", "printing", "printer", "languages")
"""The assistant's steps, in order (the names of their texts)."""


class FirstRunScreen(QWidget):
    """The assistant's steps, with "later", "back" and "next" (then "finish")."""

    done = Signal()
    """The console is set up: the window shows the tabs."""
    later = Signal()
    """Staff left it for later: the window shows the tabs, nothing saved."""

    def __init__(
        self,
        policy: PolicyDesk,
        setup: SetupDesk,
        printers: PrinterDesk,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.policy = policy
        self.setup = setup
        self.printers = printers
        lang = policy.language
        self.language = lang
        self.finishing = False
        self.heading = title(i18n.text("setup.title", lang))
        self.intro = help_text(i18n.text("setup.intro", lang))
        self.step_title = QLabel()
        self.step_title.setObjectName("sectionTitle")
        self.steps = QStackedWidget()
        self.steps.addWidget(self._epn_step())
        self.steps.addWidget(self._hours_step())
        self.steps.addWidget(self._printing_step())
        self.steps.addWidget(self._printer_step())
        self.steps.addWidget(self._languages_step())
        self.notice = Notice()
        self.later_button = QPushButton(i18n.text("setup.later", lang))
        self.later_button.setToolTip(i18n.text("setup.later_help", lang))
        self.back = QPushButton(i18n.text("setup.back", lang))
        self.next = QPushButton(i18n.text("setup.next", lang))
        self.next.setDefault(True)
        self.next.setMinimumHeight(38)
        buttons = QHBoxLayout()
        buttons.addWidget(self.later_button)
        buttons.addWidget(help_text(i18n.text("setup.later_help", lang)), 1)
        buttons.addWidget(self.back)
        buttons.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addSpacing(6)
        layout.addWidget(self.step_title)
        layout.addWidget(self.steps, 1)
        layout.addWidget(self.notice)
        layout.addLayout(buttons)

        self.later_button.clicked.connect(self.later.emit)
        self.back.clicked.connect(lambda: self.go(self.steps.currentIndex() - 1))
        self.next.clicked.connect(self._next)
        policy.loaded.connect(self._policy_loaded)
        policy.saved.connect(self._policy_saved)
        policy.field_errors.connect(self._policy_refused)
        policy.failed.connect(self._failed)
        setup.saved.connect(self._setup_saved)
        setup.refused_fields.connect(self._setup_refused)
        setup.failed.connect(self._failed)
        self.go(0)

    # -- the steps -------------------------------------------------------------------------

    def _scrolled(self, content: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(content)
        return area

    def _epn_step(self) -> QWidget:
        lang = self.language
        page = QWidget()
        self.name = QLineEdit()
        self.name.setMaxLength(EPN_NAME_MAX)
        self.name.setPlaceholderText(i18n.text("setup.name_hint", lang))
        self.name.setAccessibleName(i18n.text("setup.name", lang))
        self.name.setMaximumWidth(640)
        self.name_error = field_error()
        self.address = QPlainTextEdit()
        self.address.setFixedHeight(72)
        self.address.setMaximumWidth(640)
        self.address.setPlaceholderText(i18n.text("setup.address_hint", lang))
        self.address.setAccessibleName(i18n.text("setup.address", lang))
        self.address_error = field_error()
        form = QFormLayout()
        form.addRow(QLabel(i18n.text("setup.name", lang)), self.name)
        form.addRow("", self.name_error)
        form.addRow(QLabel(i18n.text("setup.address", lang)), self.address)
        form.addRow("", self.address_error)
        layout = QVBoxLayout(page)
        layout.addWidget(help_text(i18n.text("setup.help.epn", lang)))
        layout.addLayout(form)
        layout.addStretch(1)
        self.name.textEdited.connect(lambda _t: self._check_epn())
        self.address.textChanged.connect(self._check_address)
        return page

    def _hours_step(self) -> QWidget:
        self.hours = HoursEditor(self.language)
        self.hours.setTitle("")  # the step's title says it
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hours)
        layout.addStretch(1)
        return self._scrolled(content)

    def _printing_step(self) -> QWidget:
        lang = self.language
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(help_text(i18n.text("setup.help.printing", lang)))
        form = QFormLayout()
        self.printing: dict[str, FieldEditor] = {}
        for spec in model_specs("printing", PrintRules):
            editor = FieldEditor(spec, lang)
            label = QLabel(field_label(spec, lang))
            label.setToolTip(spec.description)
            form.addRow(label, editor)
            self.printing[spec.path] = editor
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def _printer_step(self) -> QWidget:
        self.printer = PrinterPicker(self.printers, lambda: self.name.text().strip())
        return self._scrolled(self.printer)

    def _languages_step(self) -> QWidget:
        lang = self.language
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(help_text(i18n.text("setup.help.languages", lang)))
        self.languages: dict[Language, QCheckBox] = {}
        for language in Language:
            box = QCheckBox(language.native_name)
            box.setAccessibleName(language.native_name)
            if language.right_to_left:
                box.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
            box.toggled.connect(lambda _on: self._check_languages())
            layout.addWidget(box)
            self.languages[language] = box
        self.languages_error = field_error()
        layout.addWidget(self.languages_error)
        layout.addStretch(1)
        return page

    # -- moving between steps --------------------------------------------------------------

    def start(self) -> None:
        """Open at the first step with what the console holds (the policy is loaded)."""
        state = self.setup.state
        self.name.setText(state.epn_name if state else "")
        self.address.setPlainText(state.address if state else "")
        for label in (self.name_error, self.address_error, self.languages_error):
            say(label, "")
        self.notice.setText("")
        self.finishing = False
        self.go(0)
        self.policy.load()

    def _policy_loaded(self) -> None:
        state = self.policy.state
        if state is None or self.finishing:
            return
        self.hours.show_hours(get_path(state.policy, "opening_hours"))
        for path, editor in self.printing.items():
            editor.set_value(get_path(state.policy, path))
        self.printer.set_value(get_path(state.policy, "printing.printer_uri"))
        chosen = get_path(state.policy, "languages") or []
        for language, box in self.languages.items():
            box.setChecked(language.value in chosen)
        self._check_languages()

    def go(self, index: int) -> None:
        """Show step ``index`` (0 to 4); the printer step starts looking for printers the
        first time it is shown."""
        index = max(0, min(index, len(STEPS) - 1))
        self.steps.setCurrentIndex(index)
        lang = self.language
        name = i18n.text(f"setup.step.{STEPS[index]}", lang)
        self.step_title.setText(
            i18n.text("setup.step", lang, n=index + 1, total=len(STEPS), name=name)
        )
        self.back.setEnabled(index > 0)
        last = index == len(STEPS) - 1
        self.next.setText(i18n.text("setup.finish" if last else "setup.next", lang))
        if STEPS[index] == "printer" and self.printers.last is None:
            self.printer.search()

    @property
    def step(self) -> str:
        """The name of the step shown."""
        return STEPS[self.steps.currentIndex()]

    def _next(self) -> None:
        if not self._check(self.step):
            return
        if self.steps.currentIndex() < len(STEPS) - 1:
            self.go(self.steps.currentIndex() + 1)
        else:
            self._finish()

    # -- checks ----------------------------------------------------------------------------

    def _check(self, step: str) -> bool:
        if step == "epn":
            return self._check_epn() & self._check_address()
        if step == "hours":
            return self.hours.check()
        if step == "languages":
            return self._check_languages()
        return True  # printing: each number box keeps within its range

    def _check_epn(self) -> bool:
        sentence = name_problem(self.name.text(), self.language)
        say(self.name_error, sentence)
        return not sentence

    def _check_address(self) -> bool:
        sentence = address_problem(self.address.toPlainText(), self.language)
        say(self.address_error, sentence)
        return not sentence

    def chosen_languages(self) -> list[str]:
        """The languages ticked, in the model's order (French first by default)."""
        return [language.value for language, box in self.languages.items() if box.isChecked()]

    def _check_languages(self) -> bool:
        ok = bool(self.chosen_languages())
        say(self.languages_error, "" if ok else i18n.text("setup.no_language", self.language))
        return ok

    # -- finishing -------------------------------------------------------------------------

    def _finish(self) -> None:
        for step in STEPS:
            if not self._check(step):
                self.go(STEPS.index(step))
                return
        values: dict[str, Any] = {path: e.value() for path, e in self.printing.items()}
        values["opening_hours"] = self.hours.value()
        values["languages"] = self.chosen_languages()
        values["printing.printer_uri"] = self.printer.value()
        self.finishing = True
        self.next.setEnabled(False)
        self.notice.setText(i18n.text("setup.saving", self.language))
        self.policy.save(self.policy.edited(values, {}))

    def _policy_saved(self) -> None:
        if self.finishing:
            self.setup.save(self.name.text(), self.address.toPlainText(), finished=True)

    def _setup_saved(self) -> None:
        if self.finishing:
            self.finishing = False
            self.next.setEnabled(True)
            self.notice.setText("")
            self.done.emit()

    def _policy_refused(self, errors: dict[str, str]) -> None:
        if not self.finishing:
            return
        self._stop()
        for name, sentence in errors.items():
            if name in self.printing:
                self.printing[name].complain(sentence)
                self.go(STEPS.index("printing"))
            elif name == "printing.printer_uri":
                self.printer.notice.bad(i18n.text("printer.refused", self.language))
                self.go(STEPS.index("printer"))
            elif name.startswith("opening_hours"):
                self.hours.complain(sentence, name)
                self.go(STEPS.index("hours"))
        detail = "; ".join(f"{n}: {s}" if n else s for n, s in errors.items())
        self.notice.bad(i18n.text("setup.refused", self.language, detail=detail))

    def _setup_refused(self, errors: dict[str, str]) -> None:
        self._stop()
        for name, sentence in errors.items():
            say(self.address_error if name == "address" else self.name_error, sentence)
        self.go(0)

    def _failed(self, sentence: str) -> None:
        if self.finishing:
            self._stop()
            self.notice.bad(sentence)

    def _stop(self) -> None:
        self.finishing = False
        self.next.setEnabled(True)
