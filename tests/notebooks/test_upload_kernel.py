"""file_upload in a real kernel: chunks arrive as comm message buffers while the cell blocks.

The driver plays the frontend: each chunk is a comm message whose content is
an ``upload_chunk`` event and whose one buffer is the chunk, then the
``from_submit``; the kernel's event pump must deliver them during the wait.
"""

from __future__ import annotations

import hashlib
from typing import Any

from kernel_driver import KernelDriver

from pywebio_nb.session._blobs import CHUNK_SIZE


def send_file(
    driver: KernelDriver, comm_id: str, form: dict[str, Any], content: bytes, blob: str
) -> None:
    for offset in range(0, max(len(content), 1), CHUNK_SIZE):
        event = {
            "event": "upload_chunk",
            "task_id": form["task_id"],
            "data": {
                "name": "data",
                "blob": blob,
                "offset": offset,
                "size": len(content),
                "buffer": 0,
            },
        }
        msg = driver.kc.session.msg(
            "comm_msg", {"comm_id": comm_id, "data": {"method": "custom", "content": event}}
        )
        driver.kc.session.send(
            driver.kc.shell_channel.socket, msg, buffers=[content[offset : offset + CHUNK_SIZE]]
        )


def submit(driver: KernelDriver, comm_id: str, form: dict[str, Any], value: Any) -> None:
    driver.send_event(
        comm_id, {"event": "from_submit", "task_id": form["task_id"], "data": {"data": value}}
    )


def entry(blob: str, filename: str) -> dict[str, Any]:
    return {"blob": blob, "filename": filename, "mime_type": "x/y", "last_modified": 2.0}


def printed(driver: KernelDriver) -> str:
    return "".join(o["content"]["text"] for o in driver.outputs if o["msg_type"] == "stream")


def test_upload_while_the_cell_blocks_with_a_limit(driver: KernelDriver) -> None:
    content = bytes(range(256)) * (5 * CHUNK_SIZE // 256 + 3)  # 5 MB + 768 bytes: 6 chunks
    cell = driver.execute(
        "import hashlib\n"
        "from pywebio_nb.input import file_upload\n"
        "f = file_upload('Upload a file', max_size='6M')\n"
        "print(f['filename'], len(f['content']), hashlib.sha256(f['content']).hexdigest())"
    )
    comm_id, form = driver.pump_until(lambda: driver.find("input_group"))
    assert form["spec"]["inputs"][0]["max_size"] == 6 << 20
    # Over the limit first: an error in the form, the cell keeps waiting.
    send_file(driver, comm_id, form, b"x" * (7 << 20), "big")
    submit(driver, comm_id, form, [entry("big", "big")])
    update = driver.pump_until(
        lambda: next((c for c in driver.commands[comm_id] if c["command"] == "update_input"), None)
    )
    assert (
        update["spec"]["attributes"]["invalid_feedback"] == "A file is larger than the limit of 6M."
    )
    send_file(driver, comm_id, form, content, "ok")
    submit(driver, comm_id, form, [entry("ok", "C:\\Users\\me\\data.bin")])
    assert driver.reply(cell, timeout=60)["status"] == "ok"
    expected = f"data.bin {len(content)} {hashlib.sha256(content).hexdigest()}\n"
    driver.pump_until(lambda: printed(driver) == expected, timeout=30)
