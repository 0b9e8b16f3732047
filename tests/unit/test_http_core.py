"""platform._http_core: the HTTP polling protocol without any web framework."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from pywebio_nb.output import put_text
from pywebio_nb.platform._http_core import HttpCore, HttpRequest, HttpResponse
from pywebio_nb.session import defer_call


def _get(core: HttpCore, session_id: str, ack: int = 0) -> asyncio.Future[HttpResponse]:
    headers = {"webio-session-id": session_id, "webio-ack": str(ack)}
    return asyncio.ensure_future(core.handle(HttpRequest("GET", headers, {})))


def test_a_session_that_just_ended_keeps_its_last_output_for_the_next_poll() -> None:
    """The app ended between two polls; a clean-up then must not drop what it said last."""
    closed = threading.Event()

    def app() -> None:
        defer_call(closed.set)
        put_text("bye")

    async def body() -> None:
        core = HttpCore(app, static_url_prefix="/_pywebio_nb/")
        started = await core.handle(HttpRequest("GET", {"webio-session-id": "NEW"}, {}))
        session_id = started.headers["webio-session-id"]
        assert await asyncio.to_thread(closed.wait, 10)
        assert core.cleanup() == 0  # closed a moment ago: its page is about to poll
        last = await _get(core, session_id)
        assert last.status == 200 and b"bye" in last.body and b"close_session" in last.body
        # A closed session nobody comes back for is freed after the grace period.
        core.last_seen[session_id] -= 60
        assert core.cleanup() == 1
        assert (await _get(core, session_id, ack=99)).status == 410
        core.close_all()

    asyncio.run(body())


def test_an_over_limit_body_is_413_and_an_unknown_method_405() -> None:
    async def body() -> None:
        core = HttpCore(lambda: None, static_url_prefix="/_/", max_payload_size=10)
        headers = {"webio-session-id": "x"}
        refused = await core.handle(HttpRequest("POST", headers, {}, body=b"x" * 11))
        assert refused.status == 413
        assert core.too_large(11) is not None and core.too_large(10) is None
        assert (await core.handle(HttpRequest("PUT", headers, {}))).status == 405

    asyncio.run(body())


def test_read_body_reads_short_reads_to_the_end_and_stops_past_the_limit() -> None:
    import io

    from pywebio_nb.platform._http_core import read_body

    def dribble(data: bytes) -> Callable[[int], bytes]:
        stream = io.BytesIO(data)
        return lambda n: stream.read(min(n, 3))  # a raw stream: short reads

    assert read_body(dribble(b"0123456789"), 100) == b"0123456789"
    assert read_body(dribble(b"0123456789"), 10) == b"0123456789"
    assert read_body(dribble(b"0123456789"), 4) == b"01234"  # one byte past: refused
