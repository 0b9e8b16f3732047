"""put_image / put_file under a real server: bytes as binary WebSocket frames, never JSON.

(Not test_output_media.py: tests/unit has that basename, and pytest's default import
mode refuses two test modules of one basename in one run.)
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _wsclient import Client, run

from pywebio_nb.output import put_file, put_image, put_table
from pywebio_nb.session._blobs import CHUNK_SIZE

IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def _manual_image() -> None:
    put_image(IMAGE, width="50px")  # img = open('/path/to/some/image.png', 'rb').read()
    put_image("https://www.python.org/static/img/python-logo.png")


def _manual_file() -> None:
    put_file("hello-world.txt", b"some content", "download me")


def _guide_file() -> None:
    put_file("hello_word.txt", b"hello word!")


def _table_file() -> None:
    put_table([["Type", "Content"], ["file", put_file("hello.text", b"hello world")]])


async def _async_image() -> None:
    put_image(IMAGE, title="async")


def _refs(value: Any) -> list[dict[str, Any]]:
    """Every blob reference inside a spec."""
    if isinstance(value, dict):
        if isinstance(value.get("blob"), str):
            return [value]
        return [r for v in value.values() for r in _refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in _refs(v)]
    return []


@pytest.mark.parametrize(
    ("app", "outputs", "payloads"),
    [
        (_manual_image, 2, [IMAGE]),
        (_manual_file, 1, [b"some content"]),
        (_guide_file, 1, [b"hello word!"]),
        (_table_file, 1, [b"hello world"]),
        (_async_image, 1, [IMAGE]),
    ],
    ids=["put_image", "put_file", "guide_file", "table_file", "coroutine_session"],
)
def test_manual_examples_send_bytes_as_binary_frames(
    serve: Any, app: Any, outputs: int, payloads: list[bytes]
) -> None:
    server = serve(app)

    async def body() -> None:
        client = await Client.connect(server)
        seen: list[dict[str, Any]] = []
        got: list[bytes] = []
        while len(seen) < outputs:
            command = await client.until("output")
            seen.append(command)
            # every blob the command names arrived complete, before the command
            for ref in _refs(command["spec"]):
                data = client.blobs.get(ref["blob"])
                assert data is not None, f"blob {ref} did not arrive before its output"
                assert len(data) == ref["size"] == client.blob_sizes[ref["blob"]]
                got.append(bytes(data))
        assert got == payloads
        text = json.dumps(client.received)
        assert "base64" not in text and IMAGE[8:40].hex() not in text

    run(body())


def test_large_file_is_chunked_and_ignores_the_incoming_payload_limit(serve: Any) -> None:
    # 3.5 MB out through a server whose limit for INCOMING messages is 100 KB, to a
    # client that accepts frames of one chunk (plus its header) at most.
    data = bytes(range(256)) * (CHUNK_SIZE * 7 // 2 // 256)

    def app() -> None:
        put_file("big.bin", data)

    server = serve(app, max_payload_size="100K")

    async def body() -> None:
        client = await Client.connect(server, max_message_size=CHUNK_SIZE + 1024)
        command = await client.until("output")
        (ref,) = _refs(command["spec"])
        assert ref["size"] == len(data) and ref["mime"] == "application/octet-stream"
        assert bytes(client.blobs[ref["blob"]]) == data
        assert client.binary_frames == 4

    run(body())
