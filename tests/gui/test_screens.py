"""Each state of the PC shows its screen, with the right words, in French and in Arabic."""

from __future__ import annotations

import pytest
from helpers.kiosk_shell import Kiosk, find_button
from helpers.shell_scenes import sample_view
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from kiosk.core.model import EndReason, LockReason, State
from kiosk.core.protocol import MessageView, ReceiptView
from kiosk.shell.icons import icon_pixmap
from kiosk.shell.viewmodel import LocalState, Page, Screen, WindowMode
from policies import Language

FR, AR = Language.FR, Language.AR
SESSION = {"seconds_left": 2520, "ends_at": "15:42"}


def test_without_the_agent_the_screen_is_covered_with_please_wait(kiosk: Kiosk) -> None:
    kiosk.show(sample_view(State.ACTIVE, FR, **SESSION))
    kiosk.shell.set_connected(False)
    assert kiosk.shell.screen is Screen.NOT_CONNECTED
    assert kiosk.window.width() == 1280 and kiosk.window.height() == 800
    assert "Veuillez patienter…" in kiosk.texts()


def test_language_screen_names_each_language_in_itself(kiosk: Kiosk) -> None:
    kiosk.show(sample_view(State.WAITING))
    assert kiosk.shell.screen is Screen.LANGUAGE
    texts = kiosk.texts()
    for name in ("Français", "Nederlands", "English", "العربية", "Türkçe", "Español"):
        assert name in texts
    assert "Grand texte" in texts and "Contraste élevé" in texts


def test_picking_arabic_turns_the_whole_ui_right_to_left(kiosk: Kiosk, qtbot) -> None:
    kiosk.show(sample_view(State.WAITING))
    qtbot.mouseClick(find_button(kiosk.window, "العربية"), Qt.MouseButton.LeftButton)
    assert kiosk.shell.screen is Screen.LOGIN
    assert QGuiApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert kiosk.window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert "كيف تريدون أن تبدؤوا؟" in kiosk.texts()
    # The back button sits on the right in Arabic, where the reading starts.
    back = find_button(kiosk.window, "رجوع")
    assert back.mapTo(kiosk.window, back.rect().center()).x() > kiosk.window.width() // 2
    qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(find_button(kiosk.window, "Français"), Qt.MouseButton.LeftButton)
    assert QGuiApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_large_text_and_high_contrast_apply_at_once_and_end_with_the_visitor(
    kiosk: Kiosk, qtbot
) -> None:
    kiosk.show(sample_view(State.WAITING))
    english = find_button(kiosk.window, "English")
    height_before = english.height()
    qtbot.mouseClick(find_button(kiosk.window, "Grand texte"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(find_button(kiosk.window, "Contraste élevé"), Qt.MouseButton.LeftButton)
    assert kiosk.shell.theme.large and kiosk.shell.theme.contrast
    assert "#000000" in kiosk.window.styleSheet()
    qtbot.waitUntil(lambda: english.height() > height_before)
    # ...through the session, and not for the next visitor.
    kiosk.show(sample_view(State.ACTIVE, FR, **SESSION))
    assert kiosk.shell.theme.large
    kiosk.show(sample_view(State.DONE, FR, receipt=ReceiptView(erased={}, bytes_erased=0)))
    kiosk.show(sample_view(State.WAITING))
    assert not kiosk.shell.theme.large and not kiosk.shell.theme.contrast
    assert kiosk.shell.screen is Screen.LANGUAGE


def test_only_the_allowed_ways_to_start_are_offered(kiosk: Kiosk) -> None:
    kiosk.shell.pick_language(FR)
    kiosk.show(sample_view(State.WAITING, login_modes=("walk_in", "ticket")))
    texts = kiosk.texts()
    assert "Commencer maintenant" in texts and "J'ai un ticket" in texts
    assert "J'ai une carte de membre" not in texts


@pytest.mark.parametrize(
    ("language", "title", "rule"),
    [
        (FR, "Les règles de la salle", "Respectez les autres visiteurs et l'équipe"),
        (AR, "قواعد القاعة", "احترموا الزوار الآخرين والموظفين"),
    ],
)
def test_rules_screen_shows_each_rule_with_its_pictogram(
    kiosk: Kiosk, language: Language, title: str, rule: str
) -> None:
    view = sample_view(State.RULES, language)
    kiosk.show(view)
    page = kiosk.window.pages[Screen.RULES]
    assert title in kiosk.texts()
    assert [row.label for row in page.rows] == [r.short for r in view.rules or ()]
    assert rule in [row.label for row in page.rows]
    assert all(not row._icon.pixmap().isNull() for row in page.rows)


def test_a_rule_opens_its_long_text_and_closes_again(kiosk: Kiosk, qtbot) -> None:
    view = sample_view(State.RULES, FR)
    kiosk.show(view)
    page = kiosk.window.pages[Screen.RULES]
    qtbot.mouseClick(page.rows[2], Qt.MouseButton.LeftButton)
    assert view.rules is not None
    assert view.rules[2].long in kiosk.texts()
    assert not page.accept.isVisibleTo(kiosk.window)
    qtbot.mouseClick(find_button(kiosk.window, "Fermer"), Qt.MouseButton.LeftButton)
    assert view.rules[2].long not in kiosk.texts()
    assert page.accept.isVisibleTo(kiosk.window)


def test_closed_room_says_when_it_opens(kiosk: Kiosk) -> None:
    kiosk.show(sample_view(State.WAITING, is_open=False, opens_at="14:00"))
    assert kiosk.shell.screen is Screen.CLOSED
    assert {"La salle est fermée", "Elle rouvre à 14:00."} <= set(kiosk.texts())


@pytest.mark.parametrize(
    ("button", "title", "detail"),
    [
        (
            "Français",
            "Cet ordinateur est en cours de mise à jour.",
            "Il sera prêt dans quelques minutes.",
        ),
        ("العربية", "يجري تحديث هذا الحاسوب.", "سيكون جاهزًا بعد بضع دقائق."),
    ],
)
def test_while_updated_a_visitor_learns_in_their_language_it_will_be_ready_soon(
    kiosk: Kiosk, qtbot, button: str, title: str, detail: str
) -> None:
    kiosk.show(sample_view(State.WAITING, updating=True))
    # The languages as always: nobody is told anything in a language they do not read.
    assert kiosk.shell.screen is Screen.LANGUAGE
    qtbot.mouseClick(find_button(kiosk.window, button), Qt.MouseButton.LeftButton)
    assert kiosk.shell.screen is Screen.UPDATING, "no way in the agent would refuse"
    assert {title, detail} <= set(kiosk.texts())
    qtbot.mouseClick(
        find_button(kiosk.window, "رجوع" if button == "العربية" else "Retour"),
        Qt.MouseButton.LeftButton,
    )
    assert kiosk.shell.screen is Screen.LANGUAGE
    qtbot.mouseClick(find_button(kiosk.window, button), Qt.MouseButton.LeftButton)
    # The update is over: the ways in, in the language already chosen.
    kiosk.show(sample_view(State.WAITING))
    assert kiosk.shell.screen is Screen.LOGIN


@pytest.mark.parametrize(
    ("language", "time_left", "until"),
    [(FR, "Il reste 42 minutes", "jusqu'à 15:42"), (AR, "بقيت 42 دقيقة", "حتى الساعة 15:42")],
)
def test_session_is_a_slim_bar_with_the_time_left(
    kiosk: Kiosk, language: Language, time_left: str, until: str
) -> None:
    kiosk.show(sample_view(State.ACTIVE, language, **SESSION))
    assert kiosk.shell.window_mode is WindowMode.BAR
    assert kiosk.window.height() == kiosk.shell.theme.bar_height
    assert {time_left, until} <= set(kiosk.texts())
    for button in (kiosk.window.pages[Screen.SESSION].help, kiosk.window.pages[Screen.SESSION].end):
        assert button.height() >= 64


@pytest.mark.parametrize(
    ("language", "banner"),
    [
        (FR, "Il reste 10 minutes. Enregistrez votre travail maintenant (clé USB ou e-mail)."),
        (AR, "بقيت 10 دقائق. احفظوا عملكم الآن (مفتاح USB أو بريد إلكتروني)."),
    ],
)
def test_warning_grows_into_a_banner_closable_until_the_next_warning(
    kiosk: Kiosk, qtbot, language: Language, banner: str
) -> None:
    kiosk.show(sample_view(State.WARNED, language, seconds_left=598, warning_minutes=10))
    assert kiosk.shell.window_mode is WindowMode.BANNER
    assert banner in kiosk.texts()
    assert kiosk.window.height() > kiosk.shell.theme.bar_height
    page = kiosk.window.pages[Screen.SESSION]
    qtbot.mouseClick(page.close_banner, Qt.MouseButton.LeftButton)
    assert banner not in kiosk.texts()
    assert kiosk.window.height() == kiosk.shell.theme.bar_height
    kiosk.show(sample_view(State.WARNED, language, seconds_left=590, warning_minutes=10))
    assert kiosk.shell.window_mode is WindowMode.BAR
    kiosk.show(sample_view(State.WARNED, language, seconds_left=299, warning_minutes=5))
    assert kiosk.shell.window_mode is WindowMode.BANNER


@pytest.mark.parametrize(
    ("language", "title"), [(FR, "Votre session se termine bientôt"), (AR, "ستنتهي جلستكم قريبًا")]
)
def test_final_countdown_shows_big_seconds(kiosk: Kiosk, language: Language, title: str) -> None:
    kiosk.show(sample_view(State.FINAL, language, seconds_left=47, warning_minutes=1))
    assert kiosk.shell.screen is Screen.FINAL
    texts = kiosk.texts()
    assert "47" in texts and title in texts


@pytest.mark.parametrize(
    ("language", "question", "countdown"),
    [
        (FR, "Êtes-vous toujours là\u00a0?", "Sinon, votre session se termine dans 42 secondes."),
        (AR, "هل ما زلتم هنا؟", "وإلا ستنتهي جلستكم بعد 42 ثانية."),
    ],
)
def test_idle_asks_if_the_visitor_is_still_there(
    kiosk: Kiosk, language: Language, question: str, countdown: str
) -> None:
    kiosk.show(sample_view(State.IDLE, language, idle_seconds_left=42, **SESSION))
    assert kiosk.shell.window_mode is WindowMode.FULL
    assert {question, countdown, "42"} <= set(kiosk.texts())


@pytest.mark.parametrize(
    ("language", "locked"),
    [(FR, "Cet ordinateur est bloqué."), (AR, "هذا الحاسوب مقفل.")],
)
def test_locked_pc_sends_the_visitor_to_staff(
    kiosk: Kiosk, language: Language, locked: str
) -> None:
    kiosk.show(sample_view(State.ACTIVE, language, locked=True, **SESSION))
    assert kiosk.shell.screen is Screen.LOCKED
    assert kiosk.shell.window_mode is WindowMode.FULL
    assert locked in kiosk.texts()


@pytest.mark.parametrize(
    ("language", "title", "detail"),
    [
        (
            FR,
            "Cet ordinateur est en panne.",
            "Utilisez un autre ordinateur, s'il vous plaît. Un membre de l'équipe peut vous aider.",
        ),
        (AR, "هذا الحاسوب معطّل.", "يرجى استخدام حاسوب آخر. يمكن لأحد الموظفين أن يساعدكم."),
    ],
)
def test_an_out_of_order_pc_says_so_until_staff_unlock_it(
    kiosk: Kiosk, language: Language, title: str, detail: str
) -> None:
    kiosk.show(
        sample_view(State.WAITING, language, locked=True, lock_reason=LockReason.OUT_OF_ORDER)
    )
    assert kiosk.shell.screen is Screen.LOCKED
    assert kiosk.shell.window_mode is WindowMode.FULL
    texts = kiosk.texts()
    assert {title, detail} <= set(texts)
    assert "Cet ordinateur est bloqué." not in texts
    page = kiosk.window.pages[Screen.LOCKED]
    assert (
        page.icon.pixmap().toImage()
        == icon_pixmap("out_of_order", page.icon.width(), rtl=language.right_to_left).toImage()
    )
    # A plain lock afterwards shows the padlock and the usual words again.
    kiosk.show(sample_view(State.WAITING, language, locked=True))
    assert title not in kiosk.texts()
    kiosk.show(sample_view(State.WAITING, language))
    assert kiosk.shell.screen is not Screen.LOCKED


def test_a_workshop_session_shows_its_title_in_the_bar(kiosk: Kiosk) -> None:
    kiosk.show(sample_view(State.ACTIVE, FR, workshop_title="Atelier CV", **SESSION))
    assert kiosk.shell.window_mode is WindowMode.BAR
    assert {"Atelier CV", "Il reste 42 minutes"} <= set(kiosk.texts())
    page = kiosk.window.pages[Screen.SESSION]
    widths = (page.help.width(), page.end.width())
    # A title too long for the bar gets a strip of its own under it, on two lines, cut
    # short only past them; the visitor's buttons keep their size.
    kiosk.show(sample_view(State.ACTIVE, FR, workshop_title="Atelier " * 60, **SESSION))
    assert (page.help.width(), page.end.width()) == widths
    assert not page.workshop.isVisible()
    assert page.strip.isVisible() and page.strip_title.text().endswith("…")
    assert page.strip_title.text().count("\n") == 1
    assert kiosk.window.height() == kiosk.shell.theme.bar_height + page.strip.height()
    kiosk.show(sample_view(State.ACTIVE, FR, **SESSION))
    assert not page.workshop.isVisible() and not page.strip.isVisible()
    assert kiosk.window.height() == kiosk.shell.theme.bar_height


def test_staff_message_is_shown_until_ok(kiosk: Kiosk) -> None:
    message = MessageView(number=3, text="On ferme dans 15 minutes.")
    kiosk.show(sample_view(State.ACTIVE, AR, message=message, **SESSION))
    assert kiosk.shell.screen is Screen.MESSAGE
    assert {"رسالة من أحد الموظفين", "On ferme dans 15 minutes."} <= set(kiosk.texts())


@pytest.mark.parametrize(
    ("language", "reason", "said"),
    [
        (FR, EndReason.TIME_UP, "Le temps est écoulé."),
        (FR, EndReason.STAFF, "Un membre de l'équipe a terminé votre session."),
        (AR, EndReason.IDLE, "لم يُستخدم الحاسوب منذ مدة."),
        (AR, EndReason.VISITOR, "لقد أنهيتم جلستكم."),
    ],
)
def test_end_screen_says_kindly_why_and_that_data_is_being_erased(
    kiosk: Kiosk, language: Language, reason: EndReason, said: str
) -> None:
    kiosk.show(sample_view(State.WIPING, language, end_reason=reason))
    assert kiosk.shell.screen is Screen.ENDING
    erasing = "Effacement de vos données…" if language is FR else "جارٍ مسح بياناتكم…"
    assert {said, erasing} <= set(kiosk.texts())


@pytest.mark.parametrize(
    ("language", "receipt"),
    [
        (
            FR,
            "Ce qui a été effacé\u00a0: 12 fichiers, 1 téléchargement et l'historique du "
            "navigateur.",
        ),
        (AR, "تم مسح: 12 ملفًا وتنزيل واحد وسجل التصفح."),
    ],
)
def test_done_screen_gives_the_receipt_in_plain_words(
    kiosk: Kiosk, language: Language, receipt: str
) -> None:
    erased = {"files": 12, "downloads": 1, "browser": 1}
    kiosk.show(
        sample_view(State.DONE, language, receipt=ReceiptView(erased=erased, bytes_erased=9))
    )
    assert kiosk.shell.screen is Screen.DONE
    assert receipt in kiosk.texts()


def test_staff_key_only_when_an_animator_pin_is_set(kiosk: Kiosk) -> None:
    page = kiosk.window.pages[Screen.LANGUAGE]
    kiosk.show(sample_view(State.WAITING, animator_pin_set=False))
    assert not page.staff.isVisibleTo(kiosk.window)
    kiosk.show(sample_view(State.WAITING, animator_pin_set=True))
    assert page.staff.isVisibleTo(kiosk.window)


def test_back_from_rules_returns_to_the_ways_to_start(kiosk: Kiosk) -> None:
    kiosk.shell.local = LocalState(page=Page.LOGIN, language=AR)
    kiosk.show(sample_view(State.RULES, AR))
    kiosk.show(sample_view(State.WAITING))
    assert kiosk.shell.screen is Screen.LOGIN
    assert kiosk.shell.language is AR


@pytest.mark.parametrize(
    ("language", "title", "detail", "not_said"),
    [
        (
            FR,
            "Cet ordinateur se prépare.",
            "Il sera disponible dans un instant. Merci de patienter.",
            ("Votre session est terminée.", "Effacement de vos données…"),
        ),
        (
            AR,
            "هذا الحاسوب قيد التحضير.",
            "سيكون متاحًا بعد قليل. يرجى الانتظار.",
            ("انتهت جلستكم.", "جارٍ مسح بياناتكم…"),
        ),
    ],
)
def test_after_a_crash_the_pc_says_it_is_getting_ready_not_that_a_session_ended(
    kiosk: Kiosk, language: Language, title: str, detail: str, not_said: tuple[str, ...]
) -> None:
    # Drawn right after an ordinary end on the same screen: none of its words stay.
    kiosk.show(sample_view(State.WIPING, language, end_reason=EndReason.VISITOR))
    kiosk.show(sample_view(State.WIPING, language, preparing=True))
    assert kiosk.shell.screen is Screen.ENDING
    assert kiosk.shell.window_mode is WindowMode.FULL
    texts = kiosk.texts()
    assert {title, detail} <= set(texts)
    assert not set(not_said) & set(texts)
    page = kiosk.window.pages[Screen.ENDING]
    assert (
        page.icon.pixmap().toImage()
        == icon_pixmap("hourglass", page.icon.width(), rtl=language.right_to_left).toImage()
    )
    # Once ready, the PC offers itself to the next visitor.
    kiosk.show(sample_view(State.WAITING))
    assert kiosk.shell.screen is Screen.LANGUAGE
