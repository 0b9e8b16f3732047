"""What an open Tornado WebSocket keeps, once its session runs (per-session memory).

The handshake's objects are let go of when the socket opens: the coroutines of
the HTTP request (Tornado awaits its frame loop at their bottom), the response
headers, the request's HTTP/1 connection objects, the IOStream's deques (for
small queues); and a coroutine session's
app task, or a thread session's app thread, once the app returned. ``bench/bench_memory.py``
shows what each costs; these tests keep them from coming back unnoticed, and
check that what the manual's ``info.request`` offers stays.
"""

from __future__ import annotations

import gc
import inspect
from typing import Any

import pytest
from _wsclient import TIMEOUT, Client, run, text_of

from pywebio_nb.output import put_buttons, put_text
from pywebio_nb.platform.tornado import _Queue, _WebIOHandler
from pywebio_nb.session._base import FINISHED_THREAD, ThreadSession
from pywebio_nb.session._coroutine import FINISHED, CoroutineSession

#: Coroutines of Tornado's request handling that end once the WebSocket is open.
REQUEST_COROUTINES = {"_execute", "get", "accept_connection", "_accept_connection"}


def click_app() -> None:
    put_buttons(["go"], onclick=lambda value: put_text(f"clicked {value}"))


async def click_app_async() -> None:
    click_app()


def live_request_coroutines() -> list[str]:
    return [
        f"{obj.cr_code.co_filename}:{obj.cr_code.co_name}"
        for obj in gc.get_objects()
        if inspect.iscoroutine(obj)
        and obj.cr_frame is not None
        and obj.cr_code.co_name in REQUEST_COROUTINES
        and "tornado" in obj.cr_code.co_filename + obj.cr_code.co_qualname
    ]


@pytest.mark.parametrize("kind", ["thread", "coroutine"])
def test_an_open_websocket_keeps_only_what_it_uses(serve: Any, kind: str) -> None:
    server = serve(click_app if kind == "thread" else click_app_async)

    async def body() -> None:
        client = await Client.connect(server)
        buttons = await client.until("output", lambda c: c["spec"].get("type") == "buttons")
        # The frame loop, now a task of its own, still reads the page's events.
        value = buttons["spec"]["buttons"][0]["value"]
        await client.send("callback", buttons["spec"]["callback_id"], value)
        await client.until("output", lambda c: text_of(c) == "clicked go")
        host = f"127.0.0.1:{server.port}"
        (handler,) = [
            obj
            for obj in gc.get_objects()
            if isinstance(obj, _WebIOHandler) and obj.request.headers.get("Host") == host
        ]
        assert live_request_coroutines() == []
        assert len(handler._headers) == 0
        request = handler.request
        assert request.connection is None and request.server_connection is None
        assert handler.ws_connection is not None
        stream = handler.ws_connection.stream
        assert isinstance(stream._write_futures, _Queue)
        assert isinstance(stream._write_buffer._buffers, _Queue)
        # What info.request offers is still there.
        session = handler._session
        assert session is not None and session.info.request is request
        # One of these per connection, session or callback: no instance dicts.
        assert handler._connection is not None
        for small in (handler._connection, *session._callbacks.values()):
            assert not hasattr(small, "__dict__"), type(small)
        # The app returned (its buttons keep the session): its task or thread is let go of.
        if isinstance(session, ThreadSession):
            thread = session.thread
            thread.join(TIMEOUT)
            assert session.thread is FINISHED_THREAD
        else:
            assert isinstance(session, CoroutineSession) and session.task is FINISHED
        assert request.query_arguments["session"] == [b"NEW"] and request.remote_ip == "127.0.0.1"
        await client.aclose()

    run(body())
