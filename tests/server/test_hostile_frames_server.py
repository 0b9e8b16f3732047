"""Frames no page of ours sends never end a session (issue 11): the session goes on."""

from __future__ import annotations

from typing import Any

import pytest
from _wsclient import Client, run, text_of

from pywebio_nb.input import input
from pywebio_nb.output import put_text

DEEP = "[" * 5000 + "]" * 5000


def _app() -> None:
    put_text(f"hello {input('Name')}")


@pytest.mark.parametrize(
    "frame",
    [DEEP, '{"event": "from_submit", "task_id": null, "data": ' + DEEP + "}", "\x00\xff", "[1,"],
    ids=["deep-array", "deep-data", "garbage", "truncated"],
)
def test_a_hostile_text_frame_is_dropped_and_the_session_goes_on(serve: Any, frame: str) -> None:
    server = serve(_app)

    async def body() -> None:
        client = await Client.connect(server)
        form = await client.until("input_group")
        await client.conn.write_message(frame)
        await client.submit(form, "Ada")
        await client.until("output", lambda c: text_of(c) == "hello Ada")

    run(body())
