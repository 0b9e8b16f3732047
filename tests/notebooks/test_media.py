"""put_image / put_file in a real kernel: the bytes reach the widget as comm buffers."""

from __future__ import annotations

import hashlib
from typing import Any

import nbformat
from _media_frontend import BlobDriver, run_notebook_with_blobs

from pywebio_nb.session._blobs import CHUNK_SIZE

MB = 1 << 20
# The same deterministic payload is made in the kernel and here.
PAYLOAD = "bytes(range(256)) * ({n} // 256)"


def _payload(n: int) -> bytes:
    return bytes(range(256)) * (n // 256)


DRIVER = BlobDriver


def _outputs(driver: BlobDriver) -> list[dict[str, Any]]:
    return [c["spec"] for cs in driver.commands.values() for c in cs if c["command"] == "output"]


def test_image_and_file_bytes_arrive_as_buffers(driver: BlobDriver) -> None:
    code = (
        "from pywebio_nb.output import put_file, put_image\n"
        f"put_image({PAYLOAD.format(n=5 * MB)}, format='png', width='50%')\n"
        f"put_file('big.bin', {PAYLOAD.format(n=20 * MB)}, 'download me')\n"
    )
    cell = driver.execute(code)
    assert driver.reply(cell, timeout=60)["status"] == "ok"

    def arrived() -> bool:
        outputs = _outputs(driver)
        return len(outputs) == 2

    driver.pump_until(arrived, timeout=60)
    image, file = _outputs(driver)
    assert image["type"] == "image" and image["width"] == "50%"
    assert image["src"]["size"] == 5 * MB and image["src"]["mime"] == "image/png"
    assert file["type"] == "file" and file["label"] == "download me"
    for ref, size in ((image["src"], 5 * MB), (file["content"], 20 * MB)):
        data = driver.chunks.complete(ref["blob"])
        assert data is not None, "no chunk of the blob arrived"
        assert hashlib.sha256(data).digest() == hashlib.sha256(_payload(size)).digest()
    # ~1 MB per message at most, the bytes only in buffers, and each output after the
    # chunks of its blob (riding with the last one). The image may leave in a batch of
    # its own while the 20 MB file is still being built (a running cell's output is
    # sent every FLUSH_INTERVAL), or with it.
    assert max(total for total, _ in driver.chunks.messages) <= CHUNK_SIZE
    assert sum(1 for total, _ in driver.chunks.messages if total) >= 25
    names = [n for _, ns in driver.chunks.messages for n in ns]
    blobs = [i for i, name in enumerate(names) if name == "blob"]
    outputs = [i for i, name in enumerate(names) if name == "output"]
    assert len(blobs) == 25 and len(outputs) == 2
    assert outputs[0] > blobs[4]  # the image's 5 chunks first
    assert outputs[1] > blobs[-1]  # the file's after all of them
    last_total, last_names = driver.chunks.messages[-1]
    assert last_names[-1] == "output" and 0 < last_total <= CHUNK_SIZE


def test_scripted_frontend_gets_the_buffers(tmp_path: Any) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from pywebio_nb.output import put_file, put_image, put_text\n"
            "put_text('before')\n"
            f"put_image({PAYLOAD.format(n=3 * MB)})\n"
            "put_file('hello.txt', b'hello world')\n"
        ),
        nbformat.v4.new_code_cell("put_text('done')"),
    ]
    path = tmp_path / "media.ipynb"
    nbformat.write(nb, path)
    _, script = run_notebook_with_blobs(str(path), [("expect", "done")], timeout=60)
    specs = [c["spec"] for w in script.widgets for c in w.received if c["command"] == "output"]
    refs = {s["type"]: s.get("src") or s.get("content") for s in specs if "type" in s}
    assert script.chunks.complete(refs["image"]["blob"]) == _payload(3 * MB)
    assert script.chunks.complete(refs["file"]["blob"]) == b"hello world"
    assert script.chunks.sizes[refs["file"]["blob"]] == 11
    assert max(total for total, _ in script.chunks.messages) <= CHUNK_SIZE
