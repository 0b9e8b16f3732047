"""file_upload() under a real server: chunks as binary WebSocket frames, never JSON.

The protocol client does what the page does: each file as binary frames
(``u32 header length | upload_chunk event JSON | chunk``), then ``from_submit``
naming the files. Hostile clients ignore the limits or send broken frames; the
session must survive and the same input keep waiting.
"""

from __future__ import annotations

import json
import struct
from typing import Any

import pytest
from _wsclient import Client, run, text_of

from pywebio_nb.input import file_upload, input
from pywebio_nb.output import put_text
from pywebio_nb.session._blobs import CHUNK_SIZE


async def send_file(
    client: Client, form: dict[str, Any], content: bytes, blob: str, name: str = "data"
) -> int:
    """Send ``content`` as chunk frames; returns how many frames."""
    frames = 0
    for offset in range(0, max(len(content), 1), CHUNK_SIZE):
        event = {
            "event": "upload_chunk",
            "task_id": form["task_id"],
            "data": {
                "name": name,
                "blob": blob,
                "offset": offset,
                "size": len(content),
                "buffer": 0,
            },
        }
        header = json.dumps(event).encode()
        frame = struct.pack(">I", len(header)) + header + content[offset : offset + CHUNK_SIZE]
        await client.conn.write_message(frame, binary=True)
        frames += 1
    return frames


def entry(blob: str, filename: str) -> dict[str, Any]:
    return {"blob": blob, "filename": filename, "mime_type": "text/plain", "last_modified": 1.5}


def _save_app() -> None:
    f = file_upload("Upload a file")
    put_text(f"{f['filename']} {len(f['content'])} {f['content'][:4]!r} {f['content'][-4:]!r}")


async def _async_save_app() -> None:
    f = await file_upload("Upload a file")
    put_text(f"{f['filename']} {len(f['content'])} {f['content'][:4]!r} {f['content'][-4:]!r}")


@pytest.mark.parametrize("app", [_save_app, _async_save_app], ids=["thread", "coroutine"])
def test_manual_upload_in_chunks_under_a_small_payload_limit(serve: Any, app: Any) -> None:
    # 3.5 MB through a server whose payload limit is 1.1 MB: the limit is per frame.
    content = bytes(range(256)) * (CHUNK_SIZE * 7 // 2 // 256)
    server = serve(app, max_payload_size=CHUNK_SIZE + 64 * 1024)

    async def body() -> None:
        client = await Client.connect(server)
        form = await client.until("input_group")
        assert await send_file(client, form, content, "b1") == 4
        await client.submit(form, [entry("b1", "/home/me/data.bin")])
        done = await client.until("output", lambda c: text_of(c) is not None)
        assert text_of(done) == f"data.bin {len(content)} {content[:4]!r} {content[-4:]!r}"

    run(body())


def _multi_app() -> None:
    imgs = file_upload("Select some pictures:", accept="image/*", multiple=True, max_size="1K")
    put_text(repr([(i["filename"], i["content"]) for i in imgs]))
    put_text(input("still alive?"))


@pytest.mark.parametrize(
    ("files", "error"),
    [
        ([b"x" * 2000], "A file is larger than the limit of 1K."),
        ([b"a" * 10, b"b" * 1030], "A file is larger than the limit of 1K."),
    ],
    ids=["one_over", "second_over"],
)
def test_oversized_upload_gets_an_error_and_the_input_keeps_waiting(
    serve: Any, files: list[bytes], error: str
) -> None:
    server = serve(_multi_app)

    async def body() -> None:
        client = await Client.connect(server)
        form = await client.until("input_group")
        for i, content in enumerate(files):
            await send_file(client, form, content, f"f{i}")
        await client.submit(form, [entry(f"f{i}", f"f{i}") for i in range(len(files))])
        update = await client.until("update_input")
        assert update["spec"]["attributes"]["invalid_feedback"] == error
        await send_file(client, form, b"ok", "good")
        await client.submit(form, [entry("good", "ok.png")])
        shown = await client.until("output", lambda c: text_of(c) is not None)
        assert text_of(shown) == repr([("ok.png", b"ok")])
        second = await client.until("input_group")
        await client.submit(second, "yes")
        assert text_of(await client.until("output")) == "yes"

    run(body())


def test_wrong_file_count_and_broken_frames_leave_the_session_working(serve: Any) -> None:
    server = serve(_save_app)

    async def body() -> None:
        client = await Client.connect(server)
        form = await client.until("input_group")
        for frame in (
            b"",  # no header
            b"\x00\x00\x00",  # short
            struct.pack(">I", 1 << 30) + b"{}",  # header longer than the frame
            struct.pack(">I", 2) + b"\xff\xfe",  # not JSON
            struct.pack(">I", 2) + b"[]" + b"bytes",  # not an upload_chunk event
        ):
            await client.conn.write_message(frame, binary=True)
        await send_file(client, form, b"one", "a")
        await send_file(client, form, b"two", "b")  # a single-file input gets two
        await client.submit(form, [entry("a", "a"), entry("b", "b")])
        update = await client.until("update_input")
        assert (
            update["spec"]["attributes"]["invalid_feedback"]
            == "Only one file can be uploaded here."
        )
        await send_file(client, form, b"", "empty")
        await client.submit(form, [entry("empty", "empty.txt")])
        shown = await client.until("output", lambda c: text_of(c) is not None)
        assert text_of(shown) == "empty.txt 0 b'' b''"

    run(body())
