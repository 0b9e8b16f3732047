"""What an open Tornado WebSocket keeps, once its session runs (per-session memory).

The handshake's objects are let go of when the socket opens: the coroutines of
the HTTP request (Tornado awaits its frame loop at their bottom), the response
headers, the request's HTTP/1 connection objects, the request itself (a
``RequestRecord`` stands in, ``info.request`` is rebuilt on first access), the
IOStream's deques (for small queues); and a coroutine session's
app task, or a thread session's app thread, once the app returned. ``bench/bench_memory.py``
shows what each costs; these tests keep them from coming back unnoticed, and
check that what the manual's ``info.request`` offers stays.
"""

from __future__ import annotations

import gc
import inspect
from typing import Any

import pytest
import tornado.httputil
from _wsclient import TIMEOUT, Client, run, text_of

from pywebio_nb.output import put_buttons, put_text
from pywebio_nb.platform._info import RequestRecord
from pywebio_nb.platform.tornado import _NO_ARGS, _NO_KWARGS, _Queue, _WebIOHandler
from pywebio_nb.session import info
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
            if isinstance(obj, _WebIOHandler) and obj.request.host == host
        ]
        assert live_request_coroutines() == []
        assert len(handler._headers) == 0
        # No request object of this connection is left, only its record.
        record = handler.request
        assert isinstance(record, RequestRecord)
        assert not [
            obj
            for obj in gc.get_objects()
            if isinstance(obj, tornado.httputil.HTTPServerRequest) and obj.host == host
        ]
        # The URL's arguments, used by get() and open(): one shared empty list and dict.
        handler_args = (handler.path_args, handler.open_args)
        handler_kwargs = (handler.path_kwargs, handler.open_kwargs)
        assert handler_args == ([], []) and handler_kwargs == ({}, {})
        assert all(a is _NO_ARGS for a in handler_args), "an empty list per connection"
        assert all(k is _NO_KWARGS for k in handler_kwargs), "an empty dict per connection"
        assert handler.ws_connection is not None
        stream = handler.ws_connection.stream
        assert isinstance(stream._write_futures, _Queue)
        assert isinstance(stream._write_buffer._buffers, _Queue)
        session = handler._session
        assert session is not None and session.info._request is record
        # One of these per connection, session or callback: no instance dicts.
        assert handler._connection is not None
        replay_logs = list(session.replay._roots.values())
        kept = [entry for log in replay_logs for entry in log.entries or ()]
        assert kept, "the test client never acknowledges: its batches are kept"
        for small in (handler._connection, *session._callbacks.values(), *replay_logs, *kept):
            assert not hasattr(small, "__dict__"), type(small)
        # The page model's tables a click app never uses are not made (64 bytes each).
        page, pins = session.page, session.page.pins
        assert not hasattr(pins, "__dict__")
        unused = (pins._items, pins._roots, pins._values, pins._updates)
        unused += (page.popups_table, page._bars_table, page.requests_table, page._logs_table)
        assert unused == (None,) * 8
        # A list while short (an empty deque alone takes ~600 bytes).
        assert all(type(log.entries) is list for log in replay_logs)
        # Past 29 attributes CPython stops sharing the instance dict's keys between
        # the sessions of a class: ~1.3 KB more for each session.
        assert len(vars(session)) < 30, sorted(vars(session))
        # The app returned (its buttons keep the session): its task or thread is let go of.
        if isinstance(session, ThreadSession):
            thread = session.thread
            thread.join(TIMEOUT)
            assert session.thread is FINISHED_THREAD
        else:
            assert isinstance(session, CoroutineSession) and session.task is FINISHED
        # What info.request offers is still there: rebuilt on first access, then kept.
        request = session.info.request
        assert isinstance(request, tornado.httputil.HTTPServerRequest)
        assert session.info.request is request and request.connection is None
        assert request.query_arguments["session"] == [b"NEW"] and request.remote_ip == "127.0.0.1"
        assert request.headers["Host"] == host and request.host_name == "127.0.0.1"
        await client.aclose()

    run(body())


def test_info_request_is_the_request_that_opened_the_socket(serve: Any) -> None:
    """``info.request`` as the manual has it: headers, cookies, arguments, client address."""

    def app() -> None:
        request = info.request
        put_text(
            f"{type(request).__name__} {request.method} {request.version} {request.path} "
            f"{request.query_arguments['app']} {request.cookies['token'].value} "
            f"{request.headers['X-Custom']} {request.headers.get_list('X-Many')} "
            f"{request.remote_ip} {request.protocol} {request.host} {request.body!r}"
        )

    server = serve({"app": app})

    async def body() -> None:
        client = await Client.connect(
            server,
            "app=app",
            headers={"Cookie": "token=abc; other=1", "X-Custom": "yes: it is", "X-Many": "a,b"},
        )
        assert text_of(await client.until("output")) == (
            "HTTPServerRequest GET HTTP/1.1 / [b'app'] abc yes: it is ['a,b'] "
            f"127.0.0.1 http 127.0.0.1:{server.port} b''"
        )
        await client.aclose()

    run(body())


def test_a_request_record_rebuilds_an_equal_request() -> None:
    headers = tornado.httputil.HTTPHeaders()
    headers.add("Host", "example.com:8080")
    headers.add("Cookie", "a=1")
    headers.add("X-Twice", "one")
    headers.add("X-Twice", "two")
    original = tornado.httputil.HTTPServerRequest(
        start_line=tornado.httputil.RequestStartLine("GET", "/p/?x=1&x=2&y=", "HTTP/1.1"),
        headers=headers,
    )
    original.remote_ip = "203.0.113.9"
    original.protocol = "https"  # as xheaders would set them
    record = RequestRecord(original)
    rebuilt = record.rebuild()
    for name in ("method", "uri", "version", "path", "query", "remote_ip", "protocol", "host"):
        assert getattr(rebuilt, name) == getattr(original, name), name
    assert rebuilt.host_name == "example.com" and rebuilt.full_url() == original.full_url()
    assert list(rebuilt.headers.get_all()) == list(original.headers.get_all())
    assert rebuilt.query_arguments == original.query_arguments == rebuilt.arguments
    assert rebuilt.cookies["a"].value == "1"
    # Standing in for the request (Tornado's error log reads these): no dict, any attribute.
    assert not hasattr(record, "__dict__")
    assert (record.method, record.uri, record.remote_ip) == ("GET", "/p/?x=1&x=2&y=", "203.0.113.9")
    assert record.headers.get_list("X-Twice") == ["one", "two"] and record.path == "/p/"
    assert "example.com:8080" in repr(record)
