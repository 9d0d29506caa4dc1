"""A whole visitor journey through the real agent over its real socket, in French and Arabic.

Language → walk in → house rules → accept → the bar shows the time → first warning banner
→ final countdown → time up → erasing → "your data has been erased" → touch to start.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers.kiosk_agent import AgentThread, open_all_day_policy
from helpers.kiosk_shell import agent_shell, find_button, visible_texts
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from kiosk.core.model import State
from kiosk.shell import i18n
from kiosk.shell.viewmodel import Screen, WindowMode
from policies import Language, policy_from_data
from policies.loading import default_policy_data
from policies.model import WEEKDAYS

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def agent() -> Iterator[AgentThread]:
    """A real agent: 60-minute sessions, warnings at 10, 5 and 1 minutes; no idle timeout
    within a session, since nobody touches the keyboard while the fake clock runs."""
    with AgentThread(policy=open_all_day_policy(idle_timeout_minutes=240)) as running:
        yield running


@pytest.mark.parametrize("language", [Language.FR, Language.AR])
def test_visitor_journey(qtbot, agent: AgentThread, language: Language) -> None:
    client, shell, window = agent_shell(qtbot, agent.socket_path)
    seen: list[Screen] = []
    shell.changed.connect(lambda: seen.append(shell.screen))

    def say(key: str, **values: object) -> str:
        return i18n.tr(key, language, **values)

    try:
        client.start()
        qtbot.waitUntil(lambda: shell.screen is Screen.LANGUAGE, timeout=5000)

        qtbot.mouseClick(find_button(window, language.native_name), LEFT)
        rtl = (
            Qt.LayoutDirection.RightToLeft
            if language.right_to_left
            else Qt.LayoutDirection.LeftToRight
        )
        assert QGuiApplication.layoutDirection() == rtl
        qtbot.mouseClick(find_button(window, say("mode_walk_in")), LEFT)
        qtbot.waitUntil(lambda: shell.screen is Screen.RULES, timeout=5000)
        assert shell.view is not None and shell.view.language is language
        assert say("rules_title") in visible_texts(window)

        qtbot.mouseClick(find_button(window, say("accept")), LEFT)
        # The visitor's programs open first when this PC has them installed.
        qtbot.waitUntil(lambda: shell.screen in (Screen.SESSION, Screen.LAUNCHER), timeout=5000)
        if shell.screen is Screen.LAUNCHER:
            qtbot.mouseClick(find_button(window, say("close")), LEFT)
        assert shell.screen is Screen.SESSION
        assert shell.window_mode is WindowMode.BAR
        assert window.height() == shell.theme.bar_height
        assert say("minutes_left", n=60) in visible_texts(window)

        agent.advance(minutes=50)
        qtbot.waitUntil(lambda: shell.window_mode is WindowMode.BANNER, timeout=5000)
        banner = say("warning_save", time_left=say("minutes_left", n=10))
        assert banner in visible_texts(window)
        assert say("minutes_left", n=10) in visible_texts(window)

        agent.advance(minutes=9)
        qtbot.waitUntil(lambda: shell.screen is Screen.FINAL, timeout=5000)
        assert say("final_title") in visible_texts(window)
        agent.advance(seconds=15)
        qtbot.waitUntil(lambda: "45" in visible_texts(window), timeout=5000)
        assert say("seconds_left", n=45) in visible_texts(window)

        agent.advance(seconds=46)
        qtbot.waitUntil(lambda: shell.screen is Screen.DONE, timeout=15_000)
        assert Screen.ENDING in seen  # "your session is over, erasing your data…" was shown
        view = shell.view
        assert view is not None and view.receipt is not None
        texts = visible_texts(window)
        assert say("done_title") in texts
        assert i18n.erased_summary(view.receipt.erased, language) in texts
        # The receipt tells the hour the visitor had, from the agent's own figures.
        assert view.summary is not None and 3600 <= view.summary.seconds_used <= 3601
        used = i18n.time_left(view.summary.seconds_used, language, short=True)
        assert say("receipt_used", time=used) in texts

        qtbot.mouseClick(find_button(window, say("done_start")), LEFT)
        qtbot.waitUntil(lambda: shell.view is not None and shell.view.state is State.WAITING)
        assert shell.screen is Screen.LANGUAGE
        assert shell.local.language is None
    finally:
        client.stop()
        QGuiApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def test_a_visitor_arriving_just_before_closing_is_warned_with_the_real_time_left(
    qtbot,
) -> None:
    # The fake clock starts on a Monday at 10:00; the room closes at 10:03. The 5-minute
    # warning is already due at the start, and it must say 3 minutes, not 5.
    days = {day: [{"opens": "09:00", "closes": "10:03"}] for day in WEEKDAYS}
    policy = policy_from_data({**default_policy_data(), "opening_hours": days})
    with AgentThread(policy=policy) as agent:
        client, shell, window = agent_shell(qtbot, agent.socket_path)
        try:
            client.start()
            qtbot.waitUntil(lambda: shell.screen is Screen.LANGUAGE, timeout=5000)
            qtbot.mouseClick(find_button(window, Language.FR.native_name), LEFT)
            qtbot.mouseClick(find_button(window, i18n.tr("mode_walk_in", Language.FR)), LEFT)
            qtbot.waitUntil(lambda: shell.screen is Screen.RULES, timeout=5000)
            qtbot.mouseClick(find_button(window, i18n.tr("accept", Language.FR)), LEFT)
            agent.advance(seconds=1)
            qtbot.waitUntil(lambda: shell.window_mode is WindowMode.BANNER, timeout=5000)
            three = i18n.tr("minutes_left", Language.FR, n=3)
            assert i18n.tr("warning_save", Language.FR, time_left=three) in visible_texts(window)
            assert i18n.tr("minutes_left", Language.FR, n=5) not in visible_texts(window)
        finally:
            client.stop()
