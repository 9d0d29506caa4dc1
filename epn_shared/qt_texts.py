"""Qt's own words (a file dialog's "Look in", "Save", "Cancel"; a question's "Yes" and
"No") in the language of the window around them, from the catalogues Qt ships.

PySide6's wheel carries them as ``qtbase_<language>.qm`` in
``QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)`` (``PySide6/Qt/translations``);
Qt's source texts are English, so English needs none. A language Qt has no catalogue for
keeps Qt's English.

Qt 6.11 gave two of the file dialog's labels a shortcut letter ("&Look in:", "Files of
&type:") that its French and Dutch catalogues still know without it; such a label is looked
up without its "&" too, so it is not left in English.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator


def qt_translations_folder() -> str:
    """Where this Qt keeps its own catalogues."""
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


class _QtCatalogue(QTranslator):
    """A ``qtbase`` catalogue that also finds a label by its text without the shortcut."""

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str | None:
        found = super().translate(context, source_text, disambiguation, n)
        if not found and "&" in source_text:
            found = super().translate(context, source_text.replace("&", ""), disambiguation, n)
        return found


class QtOwnTexts:
    """The one translator of Qt's own words in an application; :meth:`use` switches it."""

    def __init__(self, app: QCoreApplication) -> None:
        self.app = app
        self.language: str | None = None
        self._translator: QTranslator | None = None

    def use(self, language: str, locale: str | None = None) -> bool:
        """Qt's dialogs and standard buttons now speak ``language`` (its code), from Qt's
        catalogue for ``locale`` or the nearest one (Dari's fa_AF: Persian's); False when Qt
        has none for it (its English stays)."""
        if language == self.language:
            return self._translator is not None or language == "en"
        if self._translator is not None:
            self.app.removeTranslator(self._translator)
            self._translator = None
        self.language = language
        if language == "en":
            return True
        translator = _QtCatalogue(self.app)
        found = (
            translator.load(QLocale(locale), "qtbase", "_", qt_translations_folder())
            if locale is not None
            else False
        ) or translator.load(f"qtbase_{language}", qt_translations_folder())
        if not found:
            return False
        self.app.installTranslator(translator)
        self._translator = translator
        return True
