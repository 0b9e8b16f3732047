"""WebIOConnection.on_text: an answer that wakes a coroutine app lets it run before the next read.

Tornado awaits what ``on_message`` returns before it reads the next frame; the
connection returns an awaitable only when the event went to a coroutine's
pending wait, so the app answers ahead of the reading machinery.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, cast

from pywebio_nb.input import input as ask
from pywebio_nb.output import put_buttons, put_text
from pywebio_nb.platform._origin import make_origin_check
from pywebio_nb.platform._ws_core import WebIOConfig, WebIOConnection
from pywebio_nb.session._base import ThreadSession
from pywebio_nb.session._coroutine import CoroutineSession
from pywebio_nb.session._memory import MemoryTransport


def _connection(session: Any) -> WebIOConnection:
    config = WebIOConfig({}, make_origin_check(None, None), "/")
    connection = WebIOConnection(config, session.transport, lambda code, reason: None)
    connection.session = session
    return connection


def _event(name: str, task_id: str, data: Any) -> str:
    return json.dumps({"event": name, "task_id": task_id, "data": data})


def test_an_answer_to_a_coroutines_form_is_awaited_and_the_app_runs_first() -> None:
    async def scenario() -> None:
        async def app() -> None:
            put_text("you said " + await ask("first"))
            await ask("second")

        transport = MemoryTransport()
        session = CoroutineSession(app, transport, loop=asyncio.get_running_loop())
        session.start()
        form = await asyncio.to_thread(
            transport.wait_for, lambda c: [x for x in c if x["command"] == "input_group"]
        )
        connection = _connection(session)
        pending = connection.on_text(_event("from_submit", form[-1]["task_id"], {"data": "x"}))
        assert pending is not None
        assert transport.commands("input_group")[-1] is form[-1]  # the app has not run yet
        await pending  # what Tornado does before reading on
        texts = [cast(Any, c)["spec"]["content"] for c in transport.commands("output")]
        assert texts == ["you said x"]  # the app ran and answered meanwhile
        assert len(transport.commands("input_group")) == 2
        # A frame for no pending wait (an unknown task, a malformed frame): nothing to await.
        assert connection.on_text(_event("from_submit", "nobody", {})) is None
        assert connection.on_text("not json") is None
        session.close(notify_client=False)

    asyncio.run(scenario())


def test_clicks_and_thread_apps_give_nothing_to_await() -> None:
    async def scenario() -> None:
        clicked: list[Any] = []

        async def app() -> None:
            put_buttons(["b"], onclick=clicked.append)
            await asyncio.sleep(3600)

        transport = MemoryTransport()
        session = CoroutineSession(app, transport, loop=asyncio.get_running_loop())
        session.start()
        await asyncio.sleep(0)
        buttons: Any = cast(Any, transport.commands("output")[-1])["spec"]
        connection = _connection(session)
        # A click runs its callback at once, inside on_text: no turn to give.
        value = buttons["buttons"][0]["value"]  # what the browser sends for the button
        assert connection.on_text(_event("callback", buttons["callback_id"], value)) is None
        assert clicked == ["b"]
        session.close(notify_client=False)

    asyncio.run(scenario())

    thread_transport = MemoryTransport()
    thread_session = ThreadSession(lambda: ask("q"), thread_transport)
    thread_session.start()
    form = thread_transport.wait_for(lambda c: [x for x in c if x["command"] == "input_group"])
    # A thread app's answer wakes another thread: the loop has no turn to give it.
    pending = _connection(thread_session).on_text(
        _event("from_submit", form[0]["task_id"], {"data": "y"})
    )
    assert pending is None
    thread_session.thread.join(5)
    assert not thread_session.thread.is_alive()
