"""put_image / put_file on the server page in Chromium: bytes from binary frames shown."""

from __future__ import annotations

import io
import pathlib
from typing import Any

import pytest

from pywebio_nb.output import put_file, put_image, put_text
from pywebio_nb.platform.tornado import ServerHandle

FILE = bytes(range(256)) * 5000  # 1.28 MB: two chunks, two binary frames


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def app() -> None:
    put_image(_png(40, 30), title="teal box")
    put_image(_png(40, 30), width="120px")
    put_file("data.bin", FILE, "download me")
    put_text("all sent")


@pytest.fixture
def media_server(serve: Any) -> ServerHandle:
    return serve(app)


def test_images_and_file_from_binary_frames(page: Any, media_server: ServerHandle) -> None:
    page.goto(media_server.url)
    page.get_by_text("all sent").wait_for(timeout=10_000)
    images = page.locator("#pywebio-nb-root img.pywebio-image")
    assert images.count() == 2
    sizes = images.evaluate_all(
        "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight, "
        "i.getBoundingClientRect().width, i.alt, i.src.slice(0, 5)])"
    )
    assert sizes[0] == [True, 40, 30, 40, "teal box", "blob:"]
    assert sizes[1][:4] == [True, 40, 30, 120]
    link = page.locator("#pywebio-nb-root a.pywebio-file__link")
    assert link.text_content() == "download me"
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "data.bin"
    assert pathlib.Path(download.path()).read_bytes() == FILE
    assert page.page_errors == []
