"""file_upload() over the in-memory transport: a scripted client sends the chunks.

The client does what the renderer does: each file as ``upload_chunk`` events of
at most 1 MB with the bytes as a buffer, then ``from_submit`` naming the files.
Hostile clients ignore the limits; the same input must keep waiting.
"""

from __future__ import annotations

import gc
import logging
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from _apprun import AppRun

from pywebio_nb.input import file_upload, input_group
from pywebio_nb.output import put_image, put_text
from pywebio_nb.session._blobs import CHUNK_SIZE, UPLOAD_MESSAGES, UploadLimits, UploadStore

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def send_file(
    run: AppRun,
    form: Any,
    content: bytes,
    blob: str,
    name: str = "data",
    chunk_size: int = CHUNK_SIZE,
    size: int | None = None,
) -> None:
    offset = 0
    while True:
        piece = content[offset : offset + chunk_size]
        data = {
            "name": name,
            "blob": blob,
            "offset": offset,
            "size": len(content) if size is None else size,
            "buffer": 0,
        }
        run.session.dispatch(
            {"event": "upload_chunk", "task_id": form["task_id"], "data": data}, [piece]
        )
        offset += chunk_size
        if offset >= len(content):
            return


def entry(blob: str, filename: str, mime: str = "application/octet-stream") -> dict[str, Any]:
    return {"blob": blob, "filename": filename, "mime_type": mime, "last_modified": 1700000000.5}


def errors_of(run: AppRun, form: Any) -> list[str]:
    return [
        u["attributes"]["invalid_feedback"]
        for u in run.updates(form["task_id"])
        if "invalid_feedback" in u["attributes"]
    ]


def test_manual_upload_and_save(run_app: Any, tmp_path: Any) -> None:
    """The manual's first example: save the upload under its file name."""

    def app() -> None:
        f = file_upload("Upload a file")
        (tmp_path / f["filename"]).write_bytes(f["content"])

    run = run_app(app)
    form = run.wait_form()
    item = form["spec"]["inputs"][0]
    assert item["type"] == "file" and item["label"] == "Upload a file"
    assert item["placeholder"] == "Choose file" and item["multiple"] is False
    content = bytes(range(256)) * 9000  # 2.3 MB: three chunks
    send_file(run, form, content, "b1")
    run.submit(form, {"data": [entry("b1", "../../etc/report.bin")]})
    run.join()
    assert (tmp_path / "report.bin").read_bytes() == content  # a bare name, never a path
    assert run.session.uploads.pending_bytes() == 0


def test_manual_multiple_pictures(run_app: Any) -> None:
    def app() -> None:
        imgs = file_upload("Select some pictures:", accept="image/*", multiple=True)
        for img in imgs:
            put_image(img["content"])
        put_text(repr([(i["filename"], i["mime_type"], i["last_modified"]) for i in imgs]))

    run = run_app(app)
    form = run.wait_form()
    assert form["spec"]["inputs"][0]["accept"] == "image/*"
    send_file(run, form, PNG, "x1")
    send_file(run, form, PNG[::-1], "x2")
    run.submit(form, {"data": [entry("x1", "a.png", "image/png"), entry("x2", "C:\\d\\b.png")]})
    run.join()
    images = run.commands("output")
    assert [c["spec"]["type"] for c in images][:2] == ["image", "image"]
    assert [blob.data.tobytes() for _, blob in run.transport.blobs] == [PNG, PNG[::-1]]
    text = images[-1]["spec"]["content"]
    assert text == repr(
        [
            ("a.png", "image/png", 1700000000.5),
            ("b.png", "application/octet-stream", 1700000000.5),
        ]
    )


@pytest.mark.parametrize(("multiple", "expected"), [(False, None), (True, [])])
def test_nothing_chosen(run_app: Any, multiple: bool, expected: Any) -> None:
    run = run_app(lambda: file_upload("f", multiple=multiple))
    run.submit(run.wait_form(), {"data": []})
    assert run.join() == expected


def test_required_refuses_empty_then_accepts(run_app: Any) -> None:
    run = run_app(lambda: file_upload("f", required=True)["content"])
    form = run.wait_form()
    run.submit(form, {"data": []})
    run.wait_command("update_input")
    assert errors_of(run, form) == ["Please fill in this field."]
    send_file(run, form, b"ok", "r1")
    run.submit(form, {"data": [entry("r1", "ok.txt")]})
    assert run.join() == b"ok"


def test_input_group_with_accept_list_and_sizes(run_app: Any) -> None:
    def app() -> Any:
        return input_group(
            "g",
            [
                file_upload("a", name="a", accept=[".txt", "text/csv"], max_size="40K"),
                file_upload("b", name="b", multiple=True, max_total_size="1M"),
            ],
        )

    run = run_app(app)
    form = run.wait_form()
    a, b = form["spec"]["inputs"]
    assert a["accept"] == ".txt,text/csv" and a["max_size"] == 40 * 1024
    assert b["max_total_size"] == 1 << 20 and "max_size" not in b
    send_file(run, form, b"A" * 10, "1", name="a")
    send_file(run, form, b"B" * 10, "2", name="b")
    send_file(run, form, b"C" * 10, "3", name="b")
    run.submit(form, {"a": [entry("1", "a.txt")], "b": [entry("2", "b"), entry("3", "c")]})
    result = run.join()
    assert result["a"]["content"] == b"A" * 10
    assert [f["content"] for f in result["b"]] == [b"B" * 10, b"C" * 10]


@pytest.mark.parametrize(
    ("kwargs", "files", "message"),
    [
        ({"max_size": "1K"}, [b"x" * 1025], "A file is larger than the limit of 1K."),
        (
            {"multiple": True, "max_total_size": 1500},
            [b"x" * 1000, b"y" * 1000],
            "The files are larger than the total limit of 1.46K.",
        ),
        ({}, [b"one", b"two"], "Only one file can be uploaded here."),
    ],
    ids=["max_size", "max_total_size", "file_count"],
)
def test_client_ignoring_limits_gets_error_and_input_keeps_waiting(
    run_app: Any, kwargs: dict[str, Any], files: list[bytes], message: str
) -> None:
    run = run_app(lambda: file_upload("f", **kwargs))
    form = run.wait_form()
    for i, content in enumerate(files):
        send_file(run, form, content, f"h{i}")
    # Python dropped the bytes at the first one past the limit.
    assert run.session.uploads.pending_bytes() == 0
    run.submit(form, {"data": [entry(f"h{i}", f"f{i}") for i in range(len(files))]})
    run.wait_command("update_input")
    assert errors_of(run, form) == [message]
    # The same input keeps waiting; a good answer ends it.
    send_file(run, form, b"fine", "ok")
    run.submit(form, {"data": [entry("ok", "fine.txt")]})
    result = run.join()
    result = result[0] if isinstance(result, list) else result
    assert result["content"] == b"fine" and result["filename"] == "fine.txt"


def test_huge_declared_size_is_refused_before_any_byte_is_kept(run_app: Any) -> None:
    run = run_app(lambda: file_upload("f", max_size="3M"))
    form = run.wait_form()
    send_file(run, form, b"z" * 10, "big", size=10 << 30)  # claims 10 GB
    assert run.session.uploads.pending_bytes() == 0
    run.submit(form, {"data": [entry("big", "big")]})
    run.wait_command("update_input")
    assert errors_of(run, form) == ["A file is larger than the limit of 3M."]


def test_upload_errors_are_sent_by_key_for_the_renderer_to_translate(run_app: Any) -> None:
    """Python sends the key of the renderer's string table and its values, with the English."""
    run = run_app(lambda: file_upload("f", max_size="3M"))
    form = run.wait_form()
    send_file(run, form, b"z" * 10, "big", size=10 << 30)
    run.submit(form, {"data": [entry("big", "big")]})
    run.wait_command("update_input")
    send_file(run, form, b"one", "a")
    send_file(run, form, b"two", "b")
    run.submit(form, {"data": [entry("a", "a"), entry("b", "b")]})
    run.wait_command("update_input", count=2)
    keyed = [
        (u["attributes"]["invalid_feedback_key"], u["attributes"].get("invalid_feedback_args"))
        for u in run.updates(form["task_id"])
        if "invalid_feedback" in u["attributes"]
    ]
    assert keyed == [("upload_max_size", ["3M"]), ("upload_one_file", None)]
    assert set(UPLOAD_MESSAGES) <= set(_renderer_string_keys())


def _renderer_string_keys() -> list[str]:
    """The keys of the English table in js/src/renderer/i18n.ts."""
    source = (Path(__file__).parents[2] / "js/src/renderer/i18n.ts").read_text(encoding="utf-8")
    english = source.split("const EN = {", 1)[1].split("} as const", 1)[0]
    return re.findall(r"^\s*(\w+):", english, re.MULTILINE)


@pytest.mark.parametrize(
    "hostile",
    [
        # a chunk past the announced size, one out of order, no buffer, a bad offset
        {"offset": 0, "size": 2, "bytes": b"abc"},
        {"offset": 5, "size": 10, "bytes": b"abc"},
        {"offset": 0, "size": 3, "bytes": None},
        {"offset": -1, "size": 3, "bytes": b"abc"},
        {"offset": "0", "size": 3, "bytes": b"abc"},
    ],
    ids=["past_size", "gap", "no_buffer", "negative", "string_offset"],
)
def test_hostile_chunks_refused_session_survives(
    run_app: Any, hostile: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    run = run_app(lambda: file_upload("f")["content"])
    form = run.wait_form()
    data = {"name": "data", "blob": "h", "offset": hostile["offset"], "size": hostile["size"]}
    with caplog.at_level(logging.WARNING, "pywebio_nb"):
        run.session.dispatch(
            {"event": "upload_chunk", "task_id": form["task_id"], "data": data},
            [] if hostile["bytes"] is None else [hostile["bytes"]],
        )
    assert "upload chunk" in caplog.text
    run.submit(form, {"data": [entry("h", "h")]})
    run.wait_command("update_input")
    assert errors_of(run, form) == ["The upload was malformed; please choose the file again."]
    send_file(run, form, b"good", "g")
    run.submit(form, {"data": [entry("g", "g")]})
    assert run.join() == b"good"


@pytest.mark.parametrize(
    "value",
    [
        [entry("never-sent", "x")],  # names a blob that never came
        {"blob": "x"},  # not a list
        ["x"],  # not a file entry
    ],
    ids=["unknown_blob", "not_a_list", "not_an_entry"],
)
def test_malformed_submission_is_an_error_in_the_form(run_app: Any, value: Any) -> None:
    run = run_app(lambda: file_upload("f")["content"])
    form = run.wait_form()
    run.submit(form, {"data": value})
    run.wait_command("update_input")
    assert len(errors_of(run, form)) == 1
    send_file(run, form, b"then", "t")
    run.submit(form, {"data": [entry("t", "t")]})
    assert run.join() == b"then"


def test_chunks_for_no_waiting_form_are_dropped(run_app: Any) -> None:
    run = run_app(lambda: file_upload("f")["content"])
    form = run.wait_form()
    stranger = {"task_id": "nope"}
    send_file(run, stranger, b"x" * 100, "s")  # unknown task
    send_file(run, form, b"x" * 100, "s", name="other")  # unknown item
    assert run.session.uploads.pending_bytes() == 0
    send_file(run, form, b"mine", "m")
    run.submit(form, {"data": [entry("m", "m")]})
    assert run.join() == b"mine"
    # Once the form is gone, nothing is kept for it any more.
    send_file(run, form, b"late" * 100, "late")
    assert run.session.uploads.pending_bytes() == 0


def test_other_items_error_means_upload_again(run_app: Any) -> None:
    """A submission refused for another item consumed the files: the next one resends."""

    def app() -> Any:
        return input_group(
            "g",
            [
                file_upload("f", name="f"),
                file_upload("g", name="g", required=True),
            ],
        )

    run = run_app(app)
    form = run.wait_form()
    send_file(run, form, b"first", "1", name="f")
    run.submit(form, {"f": [entry("1", "f")], "g": []})
    run.wait_command("update_input")
    assert run.session.uploads.pending_bytes() == 0
    send_file(run, form, b"again", "2", name="f")
    send_file(run, form, b"g", "3", name="g")
    run.submit(form, {"f": [entry("2", "f")], "g": [entry("3", "g")]})
    result = run.join()
    assert (result["f"]["content"], result["g"]["content"]) == (b"again", b"g")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"max_size": "3X"}, "max_size"), ({"max_total_size": -5}, "max_total_size")],
)
def test_bad_limits_raise_clear_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        file_upload("f", name="f", **kwargs)


def test_store_without_expectation_keeps_nothing() -> None:
    store = UploadStore()
    data = {"name": "f", "blob": "b", "offset": 0, "size": 3}
    store.receive("t", data, memoryview(b"abc"))
    assert store.pending_bytes() == 0
    store.expect("t", "f", UploadLimits(max_size=3))
    store.receive("t", data, memoryview(b"abc"))
    assert store.take("t", "f") == ({"b": b"abc"}, None)
    store.forget("t")
    store.receive("t", data, memoryview(b"abc"))
    assert store.pending_bytes() == 0


def test_the_result_is_freed_without_waiting_for_the_garbage_collector(run_app: Any) -> None:
    """Nothing but the caller holds the result once file_upload() returned.

    The form and its items refer to each other; if that cycle kept the form (and
    its result), each upload's bytes would stay until a full collection.
    """
    counts: list[int] = []

    def app() -> None:
        gc.disable()
        try:
            f = file_upload("f")
            counts.append(sys.getrefcount(f))  # the name f and the argument
        finally:
            gc.enable()

    run = run_app(app)
    form = run.wait_form()
    send_file(run, form, b"x" * 100, "b")
    run.submit(form, {"data": [entry("b", "b")]})
    run.join()
    assert counts == [2]
