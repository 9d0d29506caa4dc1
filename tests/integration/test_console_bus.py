"""The bus between console server processes on a real PostgreSQL: what one process
publishes reaches every other one whole and in order, a message larger than one
notification included (a whole policy for a PC connected elsewhere), and never comes back
to the process that sent it."""

from __future__ import annotations

import asyncio

from conftest_pg import postgres
from helpers.postgres import PostgresCluster

from admin_console.server.bus import MAX_PART, BusMessage, PostgresBus

__all__ = ["postgres"]


def test_what_one_process_publishes_reaches_the_others_whole_and_in_order(
    postgres: PostgresCluster,
) -> None:
    url = postgres.create_database()
    policy = {"house_rules": "Respectez le matériel. " * (3 * MAX_PART // 20)}
    assert len(str(policy)) > 2 * MAX_PART

    async def run() -> tuple[list[BusMessage], list[BusMessage], str]:
        sender, other = PostgresBus(url), PostgresBus(url)
        own: list[BusMessage] = []
        heard: list[BusMessage] = []
        all_heard = asyncio.Event()

        def hear(message: BusMessage) -> None:
            heard.append(message)
            if len(heard) == 3:
                all_heard.set()

        await sender.start(own.append)
        await other.start(hear)
        try:
            sender.publish("tile", {"kiosk": {"id": 1, "online": True}})
            sender.publish("to_pc", {"kiosk_id": 2, "frame": policy})
            sender.publish("tile", {"kiosk": {"id": 1, "online": False}})
            await asyncio.wait_for(all_heard.wait(), 20)
        finally:
            await sender.close()
            await other.close()
        return heard, own, sender.process_id

    try:
        heard, own, sender_id = asyncio.run(run())
    finally:
        postgres.drop_database(url)
    assert [(m.kind, m.origin) for m in heard] == [
        ("tile", sender_id),
        ("to_pc", sender_id),
        ("tile", sender_id),
    ]
    assert heard[1].data == {"kiosk_id": 2, "frame": policy}
    assert [m.data["kiosk"]["online"] for m in (heard[0], heard[2])] == [True, False]
    assert own == []
