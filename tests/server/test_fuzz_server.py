"""Property-based fuzzing of a live server (issue 11): no frame kills a session or the server.

Each example opens a WebSocket to the same server, sends a generated sequence
of text frames (any JSON, well-formed envelopes with random content, random
text) and binary frames (random bytes, upload frames with random headers),
then answers the form properly: the app must take that answer and say hello.
The server must still serve new sessions at the end.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from typing import Any

import pytest
from _wsclient import Client, run, text_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pywebio_nb.input import input
from pywebio_nb.output import put_buttons, put_text
from pywebio_nb.platform.tornado import ServerHandle, _start_server_in_thread
from pywebio_nb.protocol import EVENT_NAMES

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=15,
)
ENVELOPE = st.fixed_dictionaries(
    {
        "event": st.sampled_from([*EVENT_NAMES, "nope"]),
        "task_id": st.one_of(st.none(), st.text(max_size=12), st.integers()),
        "data": JSON,
    }
)
TEXT_FRAME = st.one_of(
    JSON.map(json.dumps), ENVELOPE.map(json.dumps), st.text(max_size=60), st.just("[" * 3000)
)


def _upload_frame(header: Any, tail: bytes) -> bytes:
    encoded = json.dumps(header).encode()
    return struct.pack(">I", len(encoded)) + encoded + tail


BINARY_FRAME = st.one_of(
    st.binary(max_size=64),
    st.builds(_upload_frame, ENVELOPE, st.binary(max_size=32)),
    st.builds(
        lambda n, tail: struct.pack(">I", n) + tail,
        st.integers(0, 2**32 - 1),
        st.binary(max_size=16),
    ),
)
FRAMES = st.lists(
    st.one_of(TEXT_FRAME.map(lambda t: ("text", t)), BINARY_FRAME.map(lambda b: ("bin", b))),
    max_size=15,
)


def _app() -> None:
    put_buttons(["b"], onclick=lambda value: put_text("clicked"))
    put_text(f"hello {input('Name')}")


@pytest.fixture(scope="module")
def server() -> Iterator[ServerHandle]:
    handle = _start_server_in_thread(_app, host="127.0.0.1")
    yield handle
    handle.stop()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames=FRAMES)
def test_no_frame_sequence_kills_a_session(
    server: ServerHandle, frames: list[tuple[str, Any]]
) -> None:
    async def body() -> None:
        client = await Client.connect(server)
        form = await client.until("input_group")
        for kind, frame in frames:
            await client.conn.write_message(frame, binary=kind == "bin")
        await client.submit(form, "Ada")
        await client.until("output", lambda c: text_of(c) == "hello Ada")
        await client.aclose()

    run(body())
