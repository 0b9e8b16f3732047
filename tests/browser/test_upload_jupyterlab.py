"""file_upload in a JupyterLab 4.6 cell: Playwright chooses a 1.5 MB file in the widget's
file input, the form uploads it in two binary chunks (comm message buffers, never base64
in JSON) and a later cell sees the same bytes."""

from __future__ import annotations

from typing import Any

from _jupyter import (  # noqa: F401  (fixtures are used by name)
    PENDING_FORM,
    JupyterServer,
    cell,
    console_log,
    expect_output_and_no_errors,
    lab_server,
    open_and_run_all,
)

#: 1.5 MiB: one full 1 MiB chunk and a half one.
CONTENT = bytes(range(256)) * 6144

CELLS = [
    "from pywebio_nb.input import file_upload",
    "f = file_upload('Data', accept='.bin', max_size='3M')",
    "expected = bytes(range(256)) * 6144\n"
    "print('got', f['filename'], len(f['content']), f['content'] == expected, f['mime_type'])",
]


def test_upload_in_a_cell(page: Any, console_log: list[str], lab_server: JupyterServer) -> None:
    # The kernel WebSocket's large frames: the chunks travel as message buffers.
    large_frames: list[int] = []
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framesent",
            lambda payload: (
                large_frames.append(len(payload))
                if isinstance(payload, bytes) and len(payload) > 400_000
                else None
            ),
        ),
    )
    open_and_run_all(page, lab_server, "upload", CELLS)
    form = cell(page, 1).locator(PENDING_FORM)
    chooser = form.locator("input[type=file]")
    chooser.wait_for(timeout=30_000)
    assert chooser.get_attribute("accept") == ".bin"
    chooser.set_input_files(
        [{"name": "data.bin", "mimeType": "application/octet-stream", "buffer": CONTENT}]
    )
    form.locator("button[type=submit]").click()
    expect_output_and_no_errors(
        page, 2, f"got data.bin {len(CONTENT)} True application/octet-stream"
    )
    # Two chunks of at most 1 MiB each (plus their small headers); base64 in JSON would
    # have been one text frame of 2 MB.
    assert len(large_frames) == 2, large_frames
    assert all(size < (1 << 20) + 64_000 for size in large_frames), large_frames
