"""What the visitor does becomes the right request to the agent, and refusals read well."""

from __future__ import annotations

from typing import Any

from helpers.kiosk_shell import Kiosk, find_button
from helpers.shell_scenes import sample_view
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from kiosk.core.model import State
from kiosk.core.protocol import (
    AcceptRules,
    Activity,
    AnimatorAction,
    ClearMessage,
    DeclineRules,
    DismissReceipt,
    EndSession,
    Login,
    MessageView,
    ReceiptView,
    RequestHelp,
)
from kiosk.shell.screens import AnimatorPage, LockedPage
from kiosk.shell.viewmodel import Screen, WindowMode
from kiosk.shell.window import InputWatcher
from policies import Language, LoginMode

FR, AR = Language.FR, Language.AR
SESSION = {"seconds_left": 2520, "ends_at": "15:42"}
LEFT = Qt.MouseButton.LeftButton


def test_walk_in_logs_in_in_the_language_picked(kiosk: Kiosk, qtbot) -> None:
    kiosk.show(sample_view(State.WAITING))
    qtbot.mouseClick(find_button(kiosk.window, "العربية"), LEFT)
    qtbot.mouseClick(find_button(kiosk.window, "ابدؤوا الآن"), LEFT)
    (login,) = kiosk.agent.of_type(Login)
    assert login.mode is LoginMode.WALK_IN and login.language is AR


def test_ticket_code_typed_on_the_keypad_is_sent(kiosk: Kiosk, qtbot) -> None:
    kiosk.show(sample_view(State.WAITING))
    qtbot.mouseClick(find_button(kiosk.window, "English"), LEFT)
    qtbot.mouseClick(find_button(kiosk.window, "I have a ticket"), LEFT)
    page = kiosk.window.pages[Screen.TICKET]
    for digit in "4815":
        qtbot.mouseClick(page.keypad.digits[digit], LEFT)
    qtbot.mouseClick(page.keypad.erase, LEFT)
    qtbot.mouseClick(page.keypad.digits["6"], LEFT)
    qtbot.mouseClick(page.keypad.ok, LEFT)
    (login,) = kiosk.agent.of_type(Login)
    assert (login.mode, login.code, login.language) == (LoginMode.TICKET, "4816", Language.EN)


def test_a_refused_ticket_shows_a_sentence_never_the_code(kiosk: Kiosk, qtbot) -> None:
    kiosk.show(sample_view(State.WAITING))
    qtbot.mouseClick(find_button(kiosk.window, "Français"), LEFT)
    qtbot.mouseClick(find_button(kiosk.window, "J'ai un ticket"), LEFT)
    page = kiosk.window.pages[Screen.TICKET]
    qtbot.keyClicks(page.fields[0][1], "999")
    qtbot.mouseClick(page.keypad.ok, LEFT)
    kiosk.agent.answer_last("bad_ticket")
    texts = kiosk.texts()
    assert "Ce code de ticket n'est pas valable. Vérifiez-le et réessayez." in texts
    assert not any("bad_ticket" in text for text in texts)
    # Typing again clears the refusal.
    qtbot.mouseClick(page.keypad.digits["1"], LEFT)
    assert not page.error.text()


def test_member_card_and_masked_pin_are_sent_together(kiosk: Kiosk, qtbot) -> None:
    kiosk.show(sample_view(State.WAITING))
    qtbot.mouseClick(find_button(kiosk.window, "Español"), LEFT)
    qtbot.mouseClick(find_button(kiosk.window, "Tengo una tarjeta de socio"), LEFT)
    page = kiosk.window.pages[Screen.MEMBER]
    card, pin = page.fields[0][1], page.fields[1][1]
    for digit in "2041":
        qtbot.mouseClick(page.keypad.digits[digit], LEFT)
    qtbot.mouseClick(page.keypad.ok, LEFT)  # OK on the card moves on to the PIN
    for digit in "1234":
        qtbot.mouseClick(page.keypad.digits[digit], LEFT)
    assert pin.echoMode() is pin.EchoMode.Password
    qtbot.mouseClick(page.keypad.ok, LEFT)
    (login,) = kiosk.agent.of_type(Login)
    assert (login.card, login.pin, login.language) == ("2041", "1234", Language.ES)
    kiosk.agent.answer_last("too_many_tries", retry_after=300)
    assert "Demasiados intentos. Vuelva a intentarlo dentro de 5 minutos." in kiosk.texts()
    assert card.text() == "2041" and pin.text() == ""


def test_with_the_member_service_unreachable_the_visitor_is_sent_to_staff_pin_erased(
    kiosk: Kiosk, qtbot
) -> None:
    kiosk.show(sample_view(State.WAITING))
    qtbot.mouseClick(find_button(kiosk.window, "Français"), LEFT)
    qtbot.mouseClick(find_button(kiosk.window, "J'ai une carte de membre"), LEFT)
    page = kiosk.window.pages[Screen.MEMBER]
    card, pin = page.fields[0][1], page.fields[1][1]
    qtbot.keyClicks(card, "2041")
    qtbot.mouseClick(page.keypad.ok, LEFT)
    qtbot.keyClicks(pin, "1234")
    qtbot.mouseClick(page.keypad.ok, LEFT)
    kiosk.agent.answer_last("members_unreachable")
    assert (
        "Le service des membres ne répond pas pour le moment. Adressez-vous à un membre de "
        "l'équipe, s'il vous plaît." in kiosk.texts()
    )
    assert pin.text() == ""


def test_accept_sends_the_rules_version_and_language_shown(kiosk: Kiosk, qtbot) -> None:
    view = sample_view(State.RULES, AR)
    kiosk.show(view)
    qtbot.mouseClick(find_button(kiosk.window, "أوافق"), LEFT)
    (accept,) = kiosk.agent.of_type(AcceptRules)
    assert accept.rules_version == view.rules_version
    assert accept.language is AR


def test_rules_changed_refusal_is_explained(kiosk: Kiosk, qtbot) -> None:
    kiosk.show(sample_view(State.RULES, FR))
    qtbot.mouseClick(find_button(kiosk.window, "J'accepte"), LEFT)
    kiosk.agent.answer_last("rules_changed")
    assert "Les règles viennent de changer. Lisez-les encore une fois, s'il vous plaît." in (
        kiosk.texts()
    )


def test_back_from_rules_declines_them(kiosk: Kiosk, qtbot) -> None:
    kiosk.show(sample_view(State.RULES, FR))
    qtbot.mouseClick(find_button(kiosk.window, "Retour"), LEFT)
    assert len(kiosk.agent.of_type(DeclineRules)) == 1


def test_help_is_asked_then_the_bar_says_staff_is_coming(kiosk: Kiosk, qtbot) -> None:
    kiosk.show(sample_view(State.ACTIVE, FR, **SESSION))
    qtbot.mouseClick(find_button(kiosk.window, "Aide"), LEFT)
    assert len(kiosk.agent.of_type(RequestHelp)) == 1
    kiosk.show(sample_view(State.ACTIVE, FR, help_requested=True, **SESSION))
    assert "Un membre de l'équipe arrive" in kiosk.texts()


def test_ending_asks_to_confirm_and_reminds_that_all_is_erased(kiosk: Kiosk, qtbot) -> None:
    kiosk.show(sample_view(State.ACTIVE, FR, **SESSION))
    qtbot.mouseClick(find_button(kiosk.window, "Terminer ma session"), LEFT)
    assert kiosk.agent.of_type(EndSession) == []
    assert kiosk.shell.window_mode is WindowMode.PANEL
    assert any("sera effacé" in text for text in kiosk.texts())
    qtbot.mouseClick(find_button(kiosk.window, "Non, continuer"), LEFT)
    assert kiosk.agent.of_type(EndSession) == []
    assert kiosk.shell.window_mode is WindowMode.BAR
    qtbot.mouseClick(find_button(kiosk.window, "Terminer ma session"), LEFT)
    qtbot.mouseClick(find_button(kiosk.window, "Oui, terminer"), LEFT)
    assert len(kiosk.agent.of_type(EndSession)) == 1


def test_touch_to_start_dismisses_the_receipt(kiosk: Kiosk, qtbot) -> None:
    receipt = ReceiptView(erased={"files": 2}, bytes_erased=10)
    kiosk.show(sample_view(State.DONE, FR, receipt=receipt))
    qtbot.mouseClick(find_button(kiosk.window, "Touchez pour commencer"), LEFT)
    assert len(kiosk.agent.of_type(DismissReceipt)) == 1


def test_ok_clears_the_staff_message(kiosk: Kiosk, qtbot) -> None:
    message = MessageView(number=1, text="Bonjour")
    kiosk.show(sample_view(State.ACTIVE, FR, message=message, **SESSION))
    qtbot.mouseClick(find_button(kiosk.window, "OK"), LEFT)
    assert len(kiosk.agent.of_type(ClearMessage)) == 1


def test_input_sends_activity_at_most_every_five_seconds(kiosk: Kiosk, qtbot) -> None:
    watcher = InputWatcher(kiosk.shell)
    QApplication.instance().installEventFilter(watcher)
    try:
        kiosk.show(sample_view(State.ACTIVE, FR, **SESSION))
        bar = kiosk.window.pages[Screen.SESSION].time_left
        for _ in range(5):
            qtbot.mouseClick(bar, LEFT, pos=QPoint(2, 2))
            qtbot.keyClick(kiosk.window, Qt.Key.Key_A)
        assert len(kiosk.agent.of_type(Activity)) == 1
        kiosk.clock.now += 5.1
        qtbot.keyClick(kiosk.window, Qt.Key.Key_A)
        assert len(kiosk.agent.of_type(Activity)) == 2
    finally:
        QApplication.instance().removeEventFilter(watcher)


def test_no_activity_is_sent_while_nobody_is_in_session(kiosk: Kiosk, qtbot) -> None:
    kiosk.show(sample_view(State.WAITING))
    kiosk.shell.user_input()
    assert kiosk.agent.of_type(Activity) == []


def test_idle_screen_answers_at_once_even_just_after_other_input(kiosk: Kiosk, qtbot) -> None:
    kiosk.show(sample_view(State.ACTIVE, FR, **SESSION))
    kiosk.shell.user_input()
    kiosk.show(sample_view(State.IDLE, FR, idle_seconds_left=30, **SESSION))
    kiosk.shell.user_input()
    assert len(kiosk.agent.of_type(Activity)) == 2
    qtbot.mouseClick(find_button(kiosk.window, "Je suis là"), LEFT)
    assert len(kiosk.agent.of_type(Activity)) >= 3


def test_animator_extends_with_the_pin_typed(kiosk: Kiosk, qtbot) -> None:
    kiosk.show(sample_view(State.ACTIVE, FR, **SESSION))
    qtbot.mouseClick(kiosk.window.pages[Screen.SESSION].staff, LEFT)
    assert kiosk.shell.screen is Screen.ANIMATOR
    page = kiosk.window.pages[Screen.ANIMATOR]
    for digit in "2468":
        qtbot.mouseClick(page.keypad.digits[digit], LEFT)
    qtbot.mouseClick(page.keypad.ok, LEFT)
    check, *_ = kiosk.agent.of_type(AnimatorAction)
    assert (check.pin, check.action) == ("2468", "check")
    kiosk.agent.answer_last()
    qtbot.mouseClick(find_button(kiosk.window, "Ajouter 15 minutes"), LEFT)
    _check, action = kiosk.agent.of_type(AnimatorAction)
    assert (action.pin, action.action, action.minutes) == ("2468", "extend", 15)
    kiosk.agent.answer_last()
    assert kiosk.shell.screen is Screen.SESSION


def pin_at_a_locked_pc(kiosk: Kiosk, qtbot: Any, pin: str) -> AnimatorPage:
    """On a PC locked by staff, the staff key opens the panel; ``pin`` is typed and sent."""
    kiosk.show(sample_view(State.WAITING, locked=True))
    locked = kiosk.window.pages[Screen.LOCKED]
    assert isinstance(locked, LockedPage)
    qtbot.mouseClick(locked.staff, LEFT)
    page = kiosk.window.pages[Screen.ANIMATOR]
    assert isinstance(page, AnimatorPage)
    qtbot.keyClicks(page.pin, pin)
    qtbot.mouseClick(page.keypad.ok, LEFT)
    return page


def test_a_wrong_animator_pin_asks_again(kiosk: Kiosk, qtbot) -> None:
    page = pin_at_a_locked_pc(kiosk, qtbot, "1111")
    assert not page.unlock.isVisibleTo(kiosk.window), "no menu before the agent says yes"
    kiosk.agent.answer_last("wrong_pin")
    assert "Ce code PIN n'est pas correct." in kiosk.texts()
    assert page.steps.currentIndex() == 0 and page.pin.text() == ""
    assert not page.unlock.isVisibleTo(kiosk.window)


def test_an_action_refused_for_its_pin_asks_the_pin_again(kiosk: Kiosk, qtbot) -> None:
    page = pin_at_a_locked_pc(kiosk, qtbot, "2468")
    kiosk.agent.answer_last()
    qtbot.mouseClick(find_button(kiosk.window, "Débloquer cet ordinateur"), LEFT)
    kiosk.agent.answer_last("wrong_pin")  # the PIN was changed in between
    assert page.steps.currentIndex() == 0 and page.pin.text() == ""
