"""file_upload on the server page in Chromium: set_input_files, limits, chunks, progress bar."""

from __future__ import annotations

import hashlib
from typing import Any

from pywebio_nb.input import file_upload
from pywebio_nb.output import put_text

#: The payload limit is per frame: a 2.5 MB upload passes a 1.1 MB limit.
MAX_PAYLOAD = "1100K"


def test_upload_with_limits_progress_and_chunks(page: Any, serve: Any) -> None:
    def app() -> None:
        files = file_upload("Pictures", accept=[".bin", "image/*"], multiple=True, max_size="3M")
        for f in files:
            digest = hashlib.sha256(f["content"]).hexdigest()[:16]
            put_text(f"got {f['filename']} {len(f['content'])} {f['mime_type']} {digest}")

    server = serve(app, max_payload_size=MAX_PAYLOAD)
    frames: list[int] = []
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framesent",
            lambda payload: frames.append(len(payload)) if isinstance(payload, bytes) else None,
        ),
    )
    page.goto(server.url)
    chooser = page.locator("input[type=file]")
    chooser.wait_for(timeout=10_000)
    assert chooser.get_attribute("accept") == ".bin,image/*"
    big = bytes(range(256)) * (4 * 4096)  # 4 MB: over max_size
    good = bytes(range(255, -1, -1)) * (10 * 1024)  # 2.5 MB
    small = b"\x89PNG tiny"

    # Over the limit: refused in the browser, nothing sent.
    chooser.set_input_files([{"name": "big.bin", "mimeType": "x/y", "buffer": big}])
    feedback = page.locator(".pywebio-form-item[data-type=file] .invalid-feedback")
    assert feedback.text_content() == "A file is larger than the limit of 3M."
    page.get_by_role("button", name="Submit").click()
    assert feedback.is_visible()
    assert frames == []

    chooser.set_input_files(
        [
            {"name": "good.bin", "mimeType": "application/octet-stream", "buffer": good},
            {"name": "tiny.png", "mimeType": "image/png", "buffer": small},
        ]
    )
    page.get_by_role("button", name="Submit").click()
    expected = [
        f"got good.bin {len(good)} application/octet-stream "
        f"{hashlib.sha256(good).hexdigest()[:16]}",
        f"got tiny.png {len(small)} image/png {hashlib.sha256(small).hexdigest()[:16]}",
    ]
    for text in expected:
        page.get_by_text(text).wait_for(timeout=20_000)
    # 2.5 MB in three frames of at most 1 MB of bytes (+ header), the tiny file in one.
    assert len(frames) == 4 and max(frames) <= (1 << 20) + 512, frames
    assert page.locator("form.pywebio-form").count() == 0
    assert page.page_errors == []


def test_progress_bar_moves_during_a_large_upload(page: Any, serve: Any) -> None:
    def app() -> None:
        f = file_upload("Big file")
        put_text(f"got {len(f['content'])}")

    server = serve(app, max_payload_size=MAX_PAYLOAD)
    page.goto(server.url)
    chooser = page.locator("input[type=file]")
    chooser.wait_for(timeout=10_000)
    content = b"\x01" * (24 << 20)
    chooser.set_input_files([{"name": "big.bin", "mimeType": "x/y", "buffer": content}])
    # Record the bar's values as the page changes them (no polling, no sleeps).
    page.evaluate(
        """() => {
        const host = document.getElementById('pywebio-nb-root');
        const bar = host.shadowRoot.querySelector('.progress-bar');
        window.__bar = [];
        new MutationObserver(() => window.__bar.push(bar.getAttribute('aria-valuenow')))
            .observe(bar, {attributes: true, attributeFilter: ['aria-valuenow']});
    }"""
    )
    page.get_by_role("button", name="Submit").click()
    page.get_by_text(f"got {len(content)}").wait_for(timeout=60_000)
    values = [int(v) for v in page.evaluate("window.__bar") if v is not None]
    assert values[-1] == 100 and len(set(values)) >= 5, values
    assert values == sorted(values)
