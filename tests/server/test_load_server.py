"""Load: 1,000 concurrent sessions on one real server, thread and coroutine apps.

Every session is opened first (all 1,000 wait in their ``input()`` at once), then
each answers its form, gets its greeting, clicks its button, gets the callback's
output and closes. Each session's ``defer_call`` then runs exactly once: the
count proves every session completed and ended on the server. The figures
(time, RSS over rounds) are printed by ``bench/bench_load.py``, not asserted here.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from typing import Any

import pytest
from _wsclient import Client, run, text_of

from pywebio_nb.input import input as input_
from pywebio_nb.output import put_buttons, put_text
from pywebio_nb.session import defer_call, hold

SESSIONS = 1000
#: Connections opened at once: below Tornado's listen backlog (128).
CONNECT_BATCH = 100


class Ledger:
    """What the server side saw, from the apps' threads and the event loop."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ended: Counter[str] = Counter()
        self.ended_all = threading.Event()

    def end(self, name: str) -> None:
        with self.lock:
            self.ended[name] += 1
            if sum(self.ended.values()) == SESSIONS:
                self.ended_all.set()


def thread_app(ledger: Ledger) -> Any:
    def app() -> None:
        name = input_("name")
        defer_call(lambda: ledger.end(name))
        put_buttons(["go"], onclick=lambda _: put_text(f"clicked {name}"))
        put_text(f"hello {name}")
        hold()

    return app


def coroutine_app(ledger: Ledger) -> Any:
    async def app() -> None:
        name = await input_("name")
        defer_call(lambda: ledger.end(name))
        put_buttons(["go"], onclick=lambda _: put_text(f"clicked {name}"))
        put_text(f"hello {name}")
        await hold()

    return app


async def one_session(client: Client, name: str) -> None:
    form = await client.until("input_group")
    await client.submit(form, name)
    buttons = await client.until("output", lambda c: c["spec"].get("type") == "buttons")
    await client.until("output", lambda c: text_of(c) == f"hello {name}")
    button = buttons["spec"]["buttons"][0]
    await client.send("callback", buttons["spec"]["callback_id"], button["value"])
    await client.until("output", lambda c: text_of(c) == f"clicked {name}")
    await client.aclose()


@pytest.mark.parametrize("make_app", [thread_app, coroutine_app], ids=["thread", "coroutine"])
def test_a_thousand_concurrent_sessions_complete(serve: Any, make_app: Any) -> None:
    ledger = Ledger()
    server = serve(make_app(ledger))

    async def main() -> None:
        clients: list[Client] = []
        for start in range(0, SESSIONS, CONNECT_BATCH):
            count = min(CONNECT_BATCH, SESSIONS - start)
            clients += await asyncio.gather(*(Client.connect(server) for _ in range(count)))
        # Every session is open and waits in input() before any is answered.
        await asyncio.gather(*(one_session(client, f"user{i}") for i, client in enumerate(clients)))

    run(main())
    # A clean close ends the session at once; its defer_call runs off the loop.
    assert ledger.ended_all.wait(30), f"{sum(ledger.ended.values())} of {SESSIONS} ended"
    assert ledger.ended == Counter(f"user{i}" for i in range(SESSIONS))
