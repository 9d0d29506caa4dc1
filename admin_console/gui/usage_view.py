"""The usage review tab (managers): a period, its totals, three bar charts, the tables, and
CSV exports for the yearly report."""

from __future__ import annotations

import datetime as dt
from functools import partial

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from admin_console.gui import i18n, icons
from admin_console.gui.charts import BarChart
from admin_console.gui.dialogs import Dialogs
from admin_console.gui.site_chooser import SiteChooser
from admin_console.gui.tab_widgets import Notice, fill, table, title
from admin_console.gui.usage import (
    CSV_TABLES,
    Bars,
    Preset,
    UsageReview,
    charts,
    per_day,
    per_hour,
    per_kiosk,
    preset_range,
    totals_lines,
    workshop_table,
)
from admin_console.gui.usage import table as usage_table
from policies import Language


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class UsageScreen(QWidget):
    """Period on top; totals; charts on the left, tables on the right."""

    def __init__(
        self, review: UsageReview, dialogs: Dialogs, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.review = review
        self.dialogs = dialogs
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.totals.setObjectName("totals")
        self.charts = [BarChart() for _ in range(3)]
        chart_column = QVBoxLayout()
        for chart in self.charts:
            chart_column.addWidget(chart, 1)
        body = QHBoxLayout()
        body.addLayout(chart_column, 5)
        body.addLayout(self._build_tables(), 6)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_period())
        # Staff of several sites review one of them or all together (hidden with one).
        self.site = SiteChooser(review.language)
        self.site.chosen.connect(self._site_chosen)
        site_row = QHBoxLayout()
        site_row.addWidget(self.site)
        site_row.addStretch(1)
        layout.addLayout(site_row)
        layout.addWidget(self.totals)
        layout.addLayout(body, 1)

        self.show_button.clicked.connect(self.load)
        self.export.clicked.connect(self.save_csv)
        review.loaded.connect(self.redraw)
        review.failed.connect(self.notice.bad)
        review.exported.connect(self._exported)
        self.choose(Preset.THIS_MONTH, load=False)
        self.redraw()

    def _build_period(self) -> QHBoxLayout:
        lang = self.review.language
        self.presets: dict[Preset, QPushButton] = {}
        period = QHBoxLayout()
        period.addWidget(title(i18n.text("usage.title", lang)))
        period.addSpacing(12)
        for preset in Preset:
            button = QPushButton(i18n.text(f"usage.preset.{preset.value}", lang))
            button.clicked.connect(partial(self.choose, preset))
            period.addWidget(button)
            self.presets[preset] = button
        period.addSpacing(12)
        self.start = QDateEdit()
        self.end = QDateEdit()
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        period.addWidget(QLabel(i18n.text("usage.from", lang)))
        period.addWidget(self.start)
        period.addWidget(QLabel(i18n.text("usage.to", lang)))
        period.addWidget(self.end)
        self.show_button = QPushButton(i18n.text("usage.show", lang))
        period.addWidget(self.show_button)
        period.addStretch(1)
        return period

    def _build_tables(self) -> QVBoxLayout:
        lang = self.review.language
        self.tables: dict[str, QTableWidget] = {}
        self.tabs = QTabWidget()
        for key in ("day", "hour", "kiosk", "workshops"):
            view = table()
            self.tables[key] = view
            self.tabs.addTab(view, i18n.text(f"usage.tab.{key}", lang))
        self.export_which = QComboBox()
        for key in CSV_TABLES:
            self.export_which.addItem(i18n.text(f"usage.csv.{key}", lang), key)
        self.export = QPushButton(icons.icon("chart"), i18n.text("usage.export", lang))
        self.notice = Notice()
        export_row = QHBoxLayout()
        export_row.addWidget(self.export_which, 1)
        export_row.addWidget(self.export)
        table_column = QVBoxLayout()
        table_column.addWidget(self.tabs, 1)
        table_column.addLayout(export_row)
        table_column.addWidget(self.notice)
        return table_column

    def _site_chosen(self, site_id: int | None) -> None:
        self.review.site_id = site_id
        if self.review.report is not None:
            self.load()  # the figures shown are of the site now chosen

    def period(self) -> tuple[dt.date, dt.date]:
        """The chosen first and last day."""
        start: dt.date = self.start.date().toPython()  # type: ignore[assignment]
        end: dt.date = self.end.date().toPython()  # type: ignore[assignment]
        return start, end

    def choose(self, preset: Preset, load: bool = True) -> None:
        """Set the dates of a preset, then load."""
        start, end = preset_range(preset, self.review.now().astimezone().date())
        self.start.setDate(_qdate(start))
        self.end.setDate(_qdate(end))
        if load:
            self.load()

    def _exported(self, path: str) -> None:
        self.notice.good(i18n.text("usage.exported", self.review.language, path=path))

    def load(self) -> None:
        """Ask the console for the chosen period."""
        self.notice.setText("")
        start, end = self.period()
        if end < start:
            self.notice.bad(i18n.text("usage.bad_period", self.review.language))
            return
        self.review.load(start, end)

    def redraw(self) -> None:
        """Totals, charts and tables of the last report."""
        lang = self.review.language
        report = self.review.report
        empty = i18n.text("usage.nothing", lang)
        if report is None:
            self.totals.setText(i18n.text("usage.pick", lang))
            for chart, bars in zip(self.charts, charts_placeholder(lang), strict=True):
                chart.show_bars(bars, empty)
            return
        self.totals.setText("\n".join(totals_lines(report, lang)))
        for chart, bars in zip(self.charts, charts(report, lang), strict=True):
            chart.show_bars(bars, empty)
        firsts = {"day": "usage.col.day", "hour": "usage.col.hour", "kiosk": "usage.col.pc"}
        sources = {
            "day": per_day(report, lang),
            "hour": per_hour(report),
            "kiosk": per_kiosk(report),
        }
        for key, view in self.tables.items():
            if key == "workshops":
                header, rows = workshop_table(report, lang)
            else:
                header, rows = usage_table(sources[key], firsts[key], lang)
            fill(view, header, rows)

    def save_csv(self) -> None:
        """Ask where, then save the chosen table as CSV."""
        lang = self.review.language
        start, end = self.period()
        which = str(self.export_which.currentData())
        path = self.dialogs.save_file(
            self,
            i18n.text("usage.export", lang),
            f"usage-{which}-{start.isoformat()}-{end.isoformat()}.csv",
            "CSV (*.csv)",
        )
        if path is not None:
            self.review.export(start, end, which, path)


def charts_placeholder(language: Language) -> list[Bars]:
    """Empty charts with their titles, before a period is shown."""
    keys = (
        "usage.chart.hours_per_day",
        "usage.chart.sessions_per_hour",
        "usage.chart.pages_per_pc",
    )
    return [Bars(i18n.text(key, language), [], []) for key in keys]
