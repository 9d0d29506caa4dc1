"""A held print job: the visitor sees what it costs and answers, or learns why staff must help.

Every figure is checked as the visitor reads it, in French and in Arabic.
"""

from __future__ import annotations

import pytest
from helpers.kiosk_shell import Kiosk, find_button
from helpers.shell_scenes import PRINT_CONFIRM, sample_view
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk.core.model import State
from kiosk.core.protocol import MessageView, PrintAnswer, PrintView, RequestHelp, View
from kiosk.shell.screens import PrintPage, SessionPage
from kiosk.shell.viewmodel import Screen, WindowMode, print_texts
from policies import Language

FR, NL, EN, AR = Language.FR, Language.NL, Language.EN, Language.AR
SESSION = {"seconds_left": 2520, "ends_at": "15:42"}
LEFT = Qt.MouseButton.LeftButton


def job(**changes: object) -> PrintView:
    """A held job: 6 colour pages on 3 sheets, 1,20 € after 2 free pages, 30 pages left."""
    return PRINT_CONFIRM.model_copy(update=changes)


def held(language: Language, print_job: PrintView | None, **changes: object) -> View:
    """A running session's view, with ``print_job`` held (or none)."""
    return sample_view(State.ACTIVE, language, print_job=print_job, **{**SESSION, **changes})


def print_page(kiosk: Kiosk) -> PrintPage:
    page = kiosk.window.pages[Screen.PRINT]
    assert isinstance(page, PrintPage)
    return page


@pytest.mark.parametrize(
    ("language", "facts"),
    [
        (
            FR,
            {
                "Imprimer ce document\u00a0?",
                "6 pages sur 3 feuilles",
                "En couleur",
                "Prix\u00a0: 1,20\u00a0€ (2 pages gratuites utilisées)",
                "Ensuite, vous pourrez encore imprimer 24 pages.",
                "Sans réponse, il sera annulé dans 45 secondes.",
            },
        ),
        (
            AR,
            {
                "هل تريدون طباعة هذا المستند؟",
                "6 صفحات على 3 أوراق",
                "بالألوان",
                "السعر: 1,20\u00a0€ (استُخدمت صفحتان مجانيتان)",
                "بعد ذلك، يمكنكم طباعة 24 صفحة أخرى.",
                "بدون ردّ، سيُلغى بعد 45 ثانية.",
            },
        ),
    ],
)
def test_a_job_to_confirm_shows_pages_sheets_colour_price_and_what_is_left(
    kiosk: Kiosk, language: Language, facts: set[str]
) -> None:
    kiosk.show(held(language, job()))
    assert kiosk.shell.screen is Screen.PRINT
    assert kiosk.shell.window_mode is WindowMode.FULL
    assert facts <= set(kiosk.texts())
    page = print_page(kiosk)
    # The count is drawn on the sheet for visitors who cannot read.
    assert page.sheet.count == "6" and not page.sheet.pixmap().isNull()
    print_word = "Imprimer" if language is FR else "طباعة"
    assert find_button(kiosk.window, print_word).property("role") == "go"


@pytest.mark.parametrize(
    ("language", "price"),
    [
        (FR, "Gratuit (1 page gratuite utilisée)"),
        (AR, "مجانًا (استُخدمت صفحة مجانية واحدة)"),
    ],
)
def test_a_free_black_and_white_page_says_free(
    kiosk: Kiosk, language: Language, price: str
) -> None:
    one_free = job(pages=1, sheets=1, colour=False, cost_cents=0, free_pages_used=1)
    kiosk.show(held(language, one_free))
    texts = kiosk.texts()
    assert price in texts
    assert ("En noir et blanc" if language is FR else "بالأبيض والأسود") in texts
    assert ("1 page sur 1 feuille" if language is FR else "صفحة واحدة على ورقة واحدة") in texts


def test_free_without_free_pages_says_only_free_and_the_last_pages_are_named(
    kiosk: Kiosk,
) -> None:
    kiosk.show(held(FR, job(cost_cents=0, free_pages_used=0, pages_left=6)))
    texts = kiosk.texts()
    assert "Gratuit" in texts
    assert "Ensuite, vous ne pourrez plus imprimer." in texts


@pytest.mark.parametrize(
    ("language", "pages", "sheets", "said"),
    [
        (FR, 1, 1, "1 page sur 1 feuille"),
        (FR, 4, 2, "4 pages sur 2 feuilles"),
        (NL, 1, 1, "1 pagina op 1 vel"),
        (NL, 4, 2, "4 pagina's op 2 vellen"),
        (EN, 1, 1, "1 page on 1 sheet"),
        (EN, 4, 2, "4 pages on 2 sheets"),
        (AR, 1, 1, "صفحة واحدة على ورقة واحدة"),
        (AR, 2, 2, "صفحتان على ورقتين"),
        (AR, 4, 2, "4 صفحات على ورقتين"),
        (AR, 12, 6, "12 صفحة على 6 أوراق"),
        (Language.TR, 4, 2, "4 sayfa, 2 yaprak kağıt"),
        (Language.ES, 4, 2, "4 páginas en 2 hojas"),
    ],
)
def test_pages_and_sheets_take_their_plural_in_each_language(
    language: Language, pages: int, sheets: int, said: str
) -> None:
    texts = print_texts(job(pages=pages, sheets=sheets), False, language)
    assert texts.lines[0].text == said


@pytest.mark.parametrize(
    ("language", "price"),
    [
        (FR, "1,20\u00a0€"),
        (Language.NL, "1,20\u00a0€"),
        (Language.ES, "1,20\u00a0€"),
        (Language.TR, "1,20\u00a0€"),
        (EN, "€1.20"),
        (AR, "1,20\u00a0€"),
    ],
)
def test_the_price_reads_as_on_price_tags(language: Language, price: str) -> None:
    texts = print_texts(job(), False, language)
    assert any(line.icon == "price" and price in line.text for line in texts.lines)


def test_print_sends_the_answer_with_the_job_id_once(kiosk: Kiosk, qtbot: QtBot) -> None:
    kiosk.show(held(FR, job(job_id=41)))
    button = find_button(kiosk.window, "Imprimer")
    qtbot.mouseClick(button, LEFT)
    (answer,) = kiosk.agent.of_type(PrintAnswer)
    assert (answer.job_id, answer.print_it) == (41, True)
    # A second tap while the agent works sends nothing more.
    qtbot.waitUntil(lambda: not button.isEnabled())
    qtbot.mouseClick(button, LEFT)
    assert len(kiosk.agent.of_type(PrintAnswer)) == 1
    kiosk.agent.answer_last()
    kiosk.show(held(FR, None, pages_printed=6))
    assert kiosk.shell.screen is Screen.SESSION
    assert kiosk.shell.window_mode is WindowMode.BAR


def test_cancel_sends_do_not_print_with_the_job_id(kiosk: Kiosk, qtbot: QtBot) -> None:
    kiosk.show(held(AR, job(job_id=42)))
    qtbot.mouseClick(find_button(kiosk.window, "إلغاء"), LEFT)
    (answer,) = kiosk.agent.of_type(PrintAnswer)
    assert (answer.job_id, answer.print_it) == (42, False)


def test_a_refused_answer_is_explained_and_can_be_given_again(kiosk: Kiosk, qtbot: QtBot) -> None:
    kiosk.show(held(FR, job(job_id=43)))
    button = find_button(kiosk.window, "Imprimer")
    qtbot.mouseClick(button, LEFT)
    kiosk.agent.answer_last("busy")
    assert "L'ordinateur est occupé. Réessayez dans un instant." in kiosk.texts()
    qtbot.waitUntil(button.isEnabled)
    qtbot.mouseClick(button, LEFT)
    assert [a.job_id for a in kiosk.agent.of_type(PrintAnswer)] == [43, 43]


@pytest.mark.parametrize(
    ("language", "facts", "ask"),
    [
        (
            FR,
            {
                "Ce document a trop de pages",
                "Ce document compte 40 pages.",
                "Il ne vous reste que 12 pages.",
                "Un membre de l'équipe peut vous aider.",
            },
            "Appeler l'équipe",
        ),
        (
            AR,
            {
                "هذا المستند فيه صفحات كثيرة جدًا",
                "يحتاج هذا المستند إلى 40 صفحة.",
                "لم تبقَ لكم إلا 12 صفحة.",
                "يمكن لأحد الموظفين أن يساعدكم.",
            },
            "نادوا أحد الموظفين",
        ),
    ],
)
def test_over_quota_says_what_it_needs_and_what_is_left_and_calls_staff(
    kiosk: Kiosk, qtbot: QtBot, language: Language, facts: set[str], ask: str
) -> None:
    over = job(job_id=44, waiting="over_quota", pages=40, sheets=20, pages_left=12, cost_cents=0)
    kiosk.show(held(language, over))
    assert kiosk.shell.screen is Screen.PRINT
    assert facts <= set(kiosk.texts())
    assert print_page(kiosk).sheet.count == "40"
    # Nothing prints from here: only staff can help, or the visitor cancels.
    print_word = "Imprimer" if language is FR else "طباعة"
    assert print_word not in kiosk.texts()
    qtbot.mouseClick(find_button(kiosk.window, ask), LEFT)
    assert len(kiosk.agent.of_type(RequestHelp)) == 1
    assert kiosk.agent.of_type(PrintAnswer) == []
    kiosk.show(held(language, over, help_requested=True))
    coming = "Un membre de l'équipe arrive" if language is FR else "أحد الموظفين قادم إليكم"
    qtbot.waitUntil(lambda: coming in kiosk.texts())
    assert ask not in kiosk.texts()
    qtbot.mouseClick(find_button(kiosk.window, "Annuler" if language is FR else "إلغاء"), LEFT)
    (answer,) = kiosk.agent.of_type(PrintAnswer)
    assert (answer.job_id, answer.print_it) == (44, False)


def test_over_quota_with_nothing_left_says_so(kiosk: Kiosk) -> None:
    kiosk.show(held(EN, job(waiting="over_quota", pages=3, pages_left=0, cost_cents=0)))
    assert {"This document needs 3 pages.", "You cannot print any more pages."} <= set(
        kiosk.texts()
    )


@pytest.mark.parametrize(
    ("language", "problem", "reason"),
    [
        (FR, "encrypted", "Il est protégé par un mot de passe."),
        (FR, "damaged", "Il est abîmé ou incomplet."),
        (FR, "unknown_format", "C'est un type de fichier que cet ordinateur ne peut pas imprimer."),
        (
            FR,
            "options",
            "Il demande des réglages d'impression que cet ordinateur ne peut pas vérifier.",
        ),
        (FR, "cosmic_rays", "Cet ordinateur ne peut pas le lire."),
        (FR, None, "Cet ordinateur ne peut pas le lire."),
        (AR, "encrypted", "إنه محمي بكلمة سر."),
        (AR, "damaged", "إنه تالف أو غير مكتمل."),
        (AR, "unknown_format", "إنه نوع من الملفات لا يستطيع هذا الحاسوب طباعته."),
        (AR, "options", "يطلب إعدادات طباعة لا يستطيع هذا الحاسوب التحقق منها."),
    ],
)
def test_an_uncountable_job_says_why_and_that_it_will_not_print_by_itself(
    kiosk: Kiosk, qtbot: QtBot, language: Language, problem: str | None, reason: str
) -> None:
    stuck = PrintView(job_id=45, waiting="uncountable", problem=problem, seconds_left=120)
    kiosk.show(held(language, stuck))
    title, by_itself, later = {
        FR: (
            "Cet ordinateur ne peut pas compter les pages de ce document",
            "Il ne sera pas imprimé tout seul.",
            "Sans réponse, il sera annulé dans 2 minutes.",
        ),
        AR: (
            "لا يستطيع هذا الحاسوب عدّ صفحات هذا المستند",
            "لن تتم طباعته وحده.",
            "بدون ردّ، سيُلغى بعد دقيقتين.",
        ),
    }[language]
    assert {title, reason, by_itself, later} <= set(kiosk.texts())
    assert print_page(kiosk).sheet.count == "?"
    ask = "Appeler l'équipe" if language is FR else "نادوا أحد الموظفين"
    qtbot.mouseClick(find_button(kiosk.window, ask), LEFT)
    assert len(kiosk.agent.of_type(RequestHelp)) == 1


def test_the_countdown_follows_the_seconds_left(kiosk: Kiosk, qtbot: QtBot) -> None:
    for seconds, said in [
        (150, "Sans réponse, il sera annulé dans 3 minutes."),
        (60, "Sans réponse, il sera annulé dans 1 minute."),
        (45, "Sans réponse, il sera annulé dans 45 secondes."),
        (44, "Sans réponse, il sera annulé dans 44 secondes."),
        (1, "Sans réponse, il sera annulé dans 1 seconde."),
    ]:
        kiosk.show(held(FR, job(seconds_left=seconds)))
        qtbot.waitUntil(lambda said=said: said in kiosk.texts())
    kiosk.show(held(AR, job(seconds_left=2)))
    qtbot.waitUntil(lambda: "بدون ردّ، سيُلغى بعد ثانيتين." in kiosk.texts())
    # No deadline from the agent: no countdown at all.
    kiosk.show(held(FR, job(seconds_left=0)))
    assert not any(text.startswith("Sans réponse") for text in kiosk.texts())


def test_without_a_print_job_nothing_of_the_print_screen_shows(kiosk: Kiosk) -> None:
    kiosk.show(held(FR, None))
    assert kiosk.shell.screen is Screen.SESSION
    texts = kiosk.texts()
    assert not any("pages" in text or "Imprimer" in text for text in texts)
    assert not print_page(kiosk).isVisible()


def test_a_print_job_outside_a_session_is_not_shown(kiosk: Kiosk) -> None:
    kiosk.show(sample_view(State.WIPING, FR, print_job=job()))
    assert kiosk.shell.screen is Screen.ENDING


def test_the_lock_and_are_you_there_come_before_the_print_job(kiosk: Kiosk) -> None:
    kiosk.show(held(FR, job(), locked=True))
    assert kiosk.shell.screen is Screen.LOCKED
    kiosk.show(sample_view(State.IDLE, FR, print_job=job(), idle_seconds_left=30, **SESSION))
    assert kiosk.shell.screen is Screen.IDLE


def test_the_print_job_comes_before_a_staff_message_which_waits(kiosk: Kiosk, qtbot: QtBot) -> None:
    message = MessageView(number=2, text="On ferme à 18 h.")
    kiosk.show(held(FR, job(), message=message))
    assert kiosk.shell.screen is Screen.PRINT
    qtbot.mouseClick(find_button(kiosk.window, "Annuler"), LEFT)
    kiosk.show(held(FR, None, message=message))
    assert "On ferme à 18 h." in kiosk.texts()


def test_in_the_final_minute_the_job_shows_and_says_the_session_ends_soon(kiosk: Kiosk) -> None:
    view = sample_view(State.FINAL, FR, print_job=job(), seconds_left=50, warning_minutes=1)
    kiosk.show(view)
    assert kiosk.shell.screen is Screen.PRINT
    assert {"6 pages sur 3 feuilles", "Votre session se termine bientôt"} <= set(kiosk.texts())
    kiosk.show(view.model_copy(update={"print_job": None}))
    assert kiosk.shell.screen is Screen.FINAL


def test_arabic_reads_from_the_right_sheet_first_print_on_the_left(kiosk: Kiosk) -> None:
    kiosk.show(held(AR, job()))
    page = print_page(kiosk)

    def x(widget: QWidget) -> int:
        return int(widget.mapTo(kiosk.window, widget.rect().center()).x())

    assert x(page.sheet) > x(page.title)
    assert x(find_button(kiosk.window, "طباعة")) < x(find_button(kiosk.window, "إلغاء"))


def test_read_aloud_says_the_summary_in_the_visitors_language(kiosk: Kiosk, qtbot: QtBot) -> None:
    kiosk.show(held(AR, job()))
    qtbot.mouseClick(find_button(kiosk.window, "القراءة بصوت عالٍ"), LEFT)
    ((said, language),) = kiosk.speaker.said
    assert language is AR
    assert said.splitlines()[:2] == ["هل تريدون طباعة هذا المستند؟", "6 صفحات على 3 أوراق."]
    assert "بدون ردّ، سيُلغى بعد 45 ثانية." in said
    # The job answered elsewhere goes away: the reading stops with it.
    kiosk.show(held(AR, None))
    assert not kiosk.speaker.speaking


@pytest.mark.parametrize(("language", "said"), [(FR, "6 pages imprimées"), (AR, "طُبعت 6 صفحات")])
def test_the_session_bar_counts_the_pages_printed(
    kiosk: Kiosk, language: Language, said: str
) -> None:
    page = kiosk.window.pages[Screen.SESSION]
    assert isinstance(page, SessionPage)
    kiosk.show(held(language, None))
    assert not page.printed.isVisibleTo(kiosk.window)
    kiosk.show(held(language, None, pages_printed=6))
    assert kiosk.window.height() == kiosk.shell.theme.bar_height
    assert "6" in kiosk.texts()
    assert page.printed_icon.isVisibleTo(kiosk.window)
    assert page.printed.accessibleName() == said


def test_with_large_text_the_count_never_squeezes_the_visitors_buttons(
    kiosk: Kiosk, qtbot: QtBot
) -> None:
    page = kiosk.window.pages[Screen.SESSION]
    assert isinstance(page, SessionPage)
    kiosk.shell.set_large_text(True)

    def buttons_whole() -> bool:
        return all(b.width() >= b.sizeHint().width() for b in (page.help, page.end))

    kiosk.show(held(FR, None))
    qtbot.waitUntil(buttons_whole)
    widths = (page.help.width(), page.end.width())
    kiosk.show(held(FR, None, pages_printed=128))
    qtbot.waitUntil(buttons_whole)
    assert (page.help.width(), page.end.width()) == widths
