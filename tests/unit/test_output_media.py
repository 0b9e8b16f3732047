"""put_image / put_file and the blob path: specs, page model, bytes beside the JSON."""

from __future__ import annotations

import io
import json
import struct
import sys
from typing import Any

import pytest

from pywebio_nb.output import put_file, put_image, put_table, put_text, use_scope
from pywebio_nb.platform._ws_transport import blob_frames
from pywebio_nb.session._blobs import CHUNK_SIZE, BlobStore

ROOT_SEL = "#pywebio-scope-ROOT"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _outputs(run: Any) -> list[dict[str, Any]]:
    return [c["spec"] for c in run.commands("output")]


def _no_bytes_in_json(run: Any, data: bytes) -> None:
    text = json.dumps(run.commands())
    assert "base64" not in text
    assert data[:32].hex() not in text


# ------------------------------------------------------- the manual's examples

IMAGE = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4  # "JPEG" bytes


def _example_guide_image() -> None:
    # User guide, "Image Output": local image bytes and an internet image.
    put_image(IMAGE)  # stands for open('/path/to/some/image.png', 'rb').read()
    put_image("http://example.com/some-image.png")


def _example_put_image() -> None:
    # pywebio.output.put_image example.
    img = IMAGE
    put_image(img, width="50px")
    put_image("https://www.python.org/static/img/python-logo.png")


def _example_guide_file() -> None:
    put_file("hello_word.txt", b"hello word!")


def _example_put_file() -> None:
    content = b"some file content"  # stands for open('./some-file', 'rb').read()
    put_file("hello-world.txt", content, "download me")


def _example_table_file() -> None:
    # put_table example: a put_file() cell.
    put_table([["Type", "Content"], ["file", put_file("hello.text", b"hello world")]])


EXAMPLES = {
    "guide_image": (
        _example_guide_image,
        [
            {"type": "image", "src": {"mime": "image/jpeg", "size": len(IMAGE)}},
            {"type": "image", "src": "http://example.com/some-image.png"},
        ],
        [IMAGE],
    ),
    "put_image": (
        _example_put_image,
        [
            {"type": "image", "width": "50px", "src": {"size": len(IMAGE)}},
            {"type": "image", "src": "https://www.python.org/static/img/python-logo.png"},
        ],
        [IMAGE],
    ),
    "guide_file": (
        _example_guide_file,
        [{"type": "file", "name": "hello_word.txt", "content": {"mime": "text/plain", "size": 11}}],
        [b"hello word!"],
    ),
    "put_file": (
        _example_put_file,
        [{"type": "file", "name": "hello-world.txt", "label": "download me"}],
        [b"some file content"],
    ),
    "table_file": (_example_table_file, [{"type": "table"}], [b"hello world"]),
}


def _matches(spec: Any, expected: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(spec, dict) and all(_matches(spec.get(k), v) for k, v in expected.items())
    return bool(spec == expected)


@pytest.mark.parametrize("name", EXAMPLES)
def test_manual_examples(run_app, name: str) -> None:
    app, expected, payloads = EXAMPLES[name]
    run = run_app(app)
    run.join()
    outputs = _outputs(run)
    assert len(outputs) == len(expected)
    for spec, want in zip(outputs, expected, strict=True):
        assert _matches(spec, want), (spec, want)
        assert spec["scope"] == ROOT_SEL
    # The page model holds the same specs (blob references, not bytes) in order.
    assert [c for c in run.page.children] == outputs
    # Every payload was delivered as a blob, beside the batch, never inside JSON.
    delivered = [blob.data.tobytes() for _, blob in run.transport.blobs]
    assert delivered == payloads
    for payload in payloads:
        _no_bytes_in_json(run, payload)


def test_blob_goes_with_the_batch_that_uses_it(run_app) -> None:
    def app() -> None:
        put_text("before")
        put_image(PNG, title="a title", height="10%")

    run = run_app(app)
    run.join()
    (spec,) = [s for s in _outputs(run) if s["type"] == "image"]
    ref = spec["src"]
    assert isinstance(ref, dict)
    assert ref == {"blob": ref["blob"], "size": len(PNG), "mime": "image/png"}
    assert spec["title"] == "a title" and spec["height"] == "10%" and "width" not in spec
    assert run.transport.blob_bytes(ref["blob"]) == PNG
    # the blob is owned by the session (kept for a reload), sent once
    assert run.session.blobs.get(ref["blob"]) is not None
    assert not run.session.blobs.has_unsent


def test_format_sets_the_media_type(run_app) -> None:
    def app() -> None:
        put_image(b"rawbytes", format="gif")
        put_image(b"rawbytes", format="jpg")
        put_image(b"rawbytes")

    run = run_app(app)
    run.join()
    mimes = [s["src"]["mime"] for s in _outputs(run)]
    assert mimes == ["image/gif", "image/jpeg", ""]


def test_put_image_inside_a_scope_and_position(run_app) -> None:
    def app() -> None:
        with use_scope("pics"):
            put_text("a")
            put_image(PNG, position=0)

    run = run_app(app)
    run.join()
    children = run.scope("pics").children
    assert [c["type"] for c in children] == ["image", "text"]  # type: ignore[index]


def test_bad_sources_are_refused(run_app) -> None:
    def app() -> None:
        with pytest.raises(TypeError, match="URL string, a bytes-like object"):
            put_image(12)
        with pytest.raises(TypeError, match="encode it first"):
            put_file("a.txt", "text")

    run_app(app).join()


def test_mutable_bytes_are_copied_once_immutable_shared(run_app) -> None:
    data = bytearray(b"abc")
    frozen = b"xyz" * 10

    def app() -> None:
        put_file("a.bin", data)
        put_file("b.bin", frozen)
        data[0] = ord("Z")  # changing the buffer later does not change what was sent

    run = run_app(app)
    run.join()
    (_, first), (_, second) = run.transport.blobs
    assert first.data.tobytes() == b"abc"
    assert second.data.obj is frozen  # a view of the app's bytes, not a copy


def test_pil_image_and_format(run_app) -> None:
    image_module = pytest.importorskip("PIL.Image")

    def app() -> None:
        put_image(image_module.new("RGB", (4, 3), "red"))  # made in memory: no format
        put_image(image_module.new("RGB", (4, 3), "red"), format="jpeg")

    run = run_app(app)
    run.join()
    first, second = (blob.data.tobytes() for _, blob in run.transport.blobs)
    assert first.startswith(b"\x89PNG") and second.startswith(b"\xff\xd8\xff")
    assert [s["src"]["mime"] for s in _outputs(run)] == ["image/png", "image/jpeg"]
    assert image_module.open(io.BytesIO(first)).size == (4, 3)


def test_matplotlib_figure(run_app) -> None:
    figure_module = pytest.importorskip("matplotlib.figure")

    def app() -> None:
        fig = figure_module.Figure(figsize=(2, 1))
        fig.add_subplot().plot([1, 2, 3, 4], [1, 4, 2, 3])
        put_image(fig, width="200px")

    run = run_app(app)
    run.join()
    ((_, blob),) = run.transport.blobs
    assert blob.data.tobytes().startswith(b"\x89PNG") and blob.mime == "image/png"


def test_optional_packages_are_not_imported(run_app) -> None:
    # Recognizing PIL images and figures must not import either package.
    saved = {k: v for k, v in sys.modules.items() if k.split(".")[0] in ("PIL", "matplotlib")}
    for key in saved:
        del sys.modules[key]
    try:

        def app() -> None:
            put_image(PNG)
            put_image("x.png")

        run_app(app).join()
        assert not any(k.split(".")[0] in ("PIL", "matplotlib") for k in sys.modules)
    finally:
        sys.modules.update(saved)


# ------------------------------------------------------------------ the store


def test_chunks_cover_the_blob_in_order() -> None:
    store = BlobStore()
    data = bytes(range(256)) * (CHUNK_SIZE // 256 * 2 + 1)  # 2 chunks and a bit
    ref = store.add(data, "application/octet-stream")
    blob = store.get(ref["blob"])
    assert blob is not None
    chunks = list(blob.chunks())
    assert [spec["offset"] for spec, _ in chunks] == [0, CHUNK_SIZE, 2 * CHUNK_SIZE]
    assert all(spec["size"] == len(data) for spec, _ in chunks)
    assert max(len(c) for _, c in chunks) == CHUNK_SIZE
    assert b"".join(bytes(c) for _, c in chunks) == data
    empty = store.get(store.add(b"")["blob"])
    assert empty is not None and [(s["offset"], bytes(c)) for s, c in empty.chunks()] == [(0, b"")]


def test_take_referenced_finds_nested_refs_once() -> None:
    store = BlobStore()
    a, b = store.add(b"a"), store.add(b"b")
    spec = {"type": "table", "data": [["x", {"type": "file", "content": a}]], "other": [b]}
    assert [blob.id for blob in store.take_referenced(spec)] == [a["blob"], b["blob"]]
    assert store.take_referenced(spec) == []
    assert not store.has_unsent


def test_websocket_frames_carry_header_and_chunk() -> None:
    store = BlobStore()
    data = b"\x00\x01" * (CHUNK_SIZE // 2 + 5)
    ref = store.add(data, "application/pdf")
    blob = store.get(ref["blob"])
    assert blob is not None
    frames = blob_frames(blob)
    assert len(frames) == 2
    joined = b""
    for frame in frames:
        (length,) = struct.unpack(">I", frame[:4])
        header = json.loads(frame[4 : 4 + length])
        assert header["command"] == "blob" and header["task_id"] is None
        spec = header["spec"]
        assert spec["id"] == ref["blob"] and spec["size"] == len(data) and spec["buffer"] == 0
        assert spec["offset"] == len(joined) and spec["mime"] == "application/pdf"
        joined += frame[4 + length :]
        assert len(frame) - 4 - length <= CHUNK_SIZE
    assert joined == data


def test_comm_messages_pack_small_chunks_and_split_large_ones() -> None:
    from pywebio_nb.jupyter._kernel_session import pack_blobs

    store = BlobStore()
    blobs = []
    for data in (b"small", b"x" * 100, b"L" * (CHUNK_SIZE + 10)):
        blob = store.get(store.add(data)["blob"])
        assert blob is not None
        blobs.append(blob)
    messages = pack_blobs(blobs)
    # two small blobs and the large one's first chunk cannot share one message
    assert [len(buffers) for _, buffers in messages] == [2, 1, 1]
    for commands, buffers in messages:
        assert sum(b.nbytes for b in buffers) <= CHUNK_SIZE
        assert [c["spec"]["buffer"] for c in commands] == list(range(len(buffers)))
        assert all(c["command"] == "blob" for c in commands)
    rebuilt: dict[str, bytearray] = {}
    for commands, buffers in messages:
        for command in commands:
            spec = command["spec"]
            target = rebuilt.setdefault(spec["id"], bytearray(spec["size"]))
            chunk = buffers[spec["buffer"]]
            target[spec["offset"] : spec["offset"] + chunk.nbytes] = chunk
    assert [bytes(rebuilt[b.id]) for b in blobs] == [b.data.tobytes() for b in blobs]


def test_a_snapshot_replay_finds_every_blob_again(run_app) -> None:
    def app() -> None:
        put_text("a")
        put_image(PNG)
        put_table([["f", put_file("x.bin", b"xyz")]])

    run = run_app(app)
    run.join()
    snapshot = run.session.page.snapshot("page")
    blobs = run.session.blobs.referenced(snapshot)
    assert [b.data.tobytes() for b in blobs] == [PNG, b"xyz"]
    assert not run.session.blobs.has_unsent  # finding them sends nothing by itself


def test_manual_onclick_example(run_app) -> None:
    from pywebio_nb.output import toast

    def app() -> None:
        # User guide, "Click callback": an image as a click target.
        put_image("some-image.png").onclick(lambda: toast("You click an image"))

    run = run_app(app)
    run.join()
    (spec,) = _outputs(run)
    assert spec["type"] == "image" and spec["src"] == "some-image.png"
    run.click(spec["click_callback_id"])
    toast_command = run.wait_command("toast")
    assert toast_command["spec"]["content"] == "You click an image"


def test_blobs_nothing_shows_are_collected(run_app) -> None:
    from pywebio_nb.output import clear

    def app() -> None:
        with use_scope("live"):
            put_image(PNG + b"old")
        put_file("kept.bin", b"kept")
        clear("live")
        with use_scope("live"):
            put_image(PNG + b"new")

    run = run_app(app)
    run.join()
    store = run.session.blobs
    assert len(store) == 3
    assert store.collect() == 1
    kept = sorted(blob.data.tobytes() for blob in store.referenced(run.session._shown_specs()))
    assert kept == sorted([PNG + b"new", b"kept"]) and len(store) == 2


def test_collection_runs_after_enough_bytes_and_spares_unsent_blobs() -> None:
    shown: list[Any] = []
    store = BlobStore(live=lambda: shown, collect_after=10)
    first = store.add(b"12345")  # never sent: kept whatever the page shows
    assert store.take_referenced(first) and len(store) == 1
    second = store.add(b"678")  # 8 bytes so far: no collection yet
    assert len(store) == 2
    shown.append({"type": "image", "src": first})
    store.add(b"90ab")  # 12 bytes: collects; the unsent second and the new one stay
    assert store.get(first["blob"]) is not None and store.get(second["blob"]) is not None
    assert store.take_referenced(second) and len(store) == 3
    shown.clear()
    store.add(b"cdefghijkl")  # 10 more bytes: first and second, sent and unshown, go
    assert store.get(first["blob"]) is None and store.get(second["blob"]) is None
    assert len(store) == 2


def test_bare_numbers_are_pixels(run_app) -> None:
    def app() -> None:
        put_image("a.png", width=30, height="20")
        put_image("a.png", width="10%", height="2em")

    run = run_app(app)
    run.join()
    sizes = [(s["width"], s["height"]) for s in _outputs(run)]
    assert sizes == [("30px", "20px"), ("10%", "2em")]
