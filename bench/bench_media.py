"""Benchmark of binary outputs under ``start_server``: a 5 MB ``put_image`` and a
20 MB ``put_file``, from the app's call to

1. a protocol client (``tests/server/_wsclient.py``) holding the whole blob and the
   output that names it (binary WebSocket frames of 1 MB + the JSON frame), and
2. a real Chromium (Playwright, Debian's ``/usr/bin/chromium``) showing it on the
   server page: the image decoded (``img.complete`` and ``naturalWidth > 0``), the
   file link pointing at its object URL;
3. with ``--jupyterlab``: the same, in a cell of a real JupyterLab (comm buffers
   through the Jupyter server's kernel websocket), timed from the call in the kernel.

Each case runs ``--runs`` times, each in a new session; the median and min are
reported. The app waits for a go signal after the page (or client) is ready, so
connection and page load are not counted. Times use one clock: the app's
``time.time()`` and the page's ``Date.now()`` on the same machine (ms resolution).

Run: ``.venv/bin/python bench/bench_media.py [--runs 5] [--no-browser] [--jupyterlab]``
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import pathlib
import statistics
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "server"))
sys.path.insert(0, str(REPO / "tests" / "browser"))

from _wsclient import Client  # noqa: E402

from pywebio_nb.output import put_file, put_image, put_text  # noqa: E402
from pywebio_nb.platform.tornado import _start_server_in_thread  # noqa: E402

MB = 1 << 20
CHROMIUM = os.environ.get("PYWEBIO_NB_CHROMIUM", "/usr/bin/chromium")


def noise_png(target: int = 5 * MB) -> bytes:
    """A PNG of random pixels (incompressible, so about ``target`` bytes)."""
    from PIL import Image

    side = int((target / 3) ** 0.5)
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


class Trial:
    """An app that outputs ``ready``, waits for ``go``, then makes one output."""

    def __init__(self, put: Callable[[], Any]) -> None:
        self.put = put
        self.go = threading.Event()
        self.started = 0.0

    def app(self) -> None:
        put_text("ready")
        if not self.go.wait(60):
            raise TimeoutError("the benchmark never said go")
        self.started = time.time()
        self.put()
        put_text("sent")


def _protocol_once(port: int, trial: Trial) -> float:
    async def body() -> float:
        server = type("S", (), {"port": port})()
        client = await Client.connect(server)  # type: ignore[arg-type]
        try:
            await client.until("output", lambda c: c["spec"].get("content") == "ready", 30)
            trial.go.set()
            command = await client.until(
                "output", lambda c: c["spec"].get("type") in ("image", "file"), 60
            )
            spec = command["spec"]
            ref = spec.get("src") if spec["type"] == "image" else spec["content"]
            assert len(client.blobs[ref["blob"]]) == ref["size"], "incomplete blob"
            return time.time() - trial.started
        finally:
            await client.aclose()

    return asyncio.run(body())


DONE_JS = {
    "image": """() => {
        const root = document.getElementById('pywebio-nb-root')?.shadowRoot;
        const img = root?.querySelector('img.pywebio-image');
        return img && img.complete && img.naturalWidth > 0 ? Date.now() : null;
    }""",
    "file": """() => {
        const root = document.getElementById('pywebio-nb-root')?.shadowRoot;
        const a = root?.querySelector('a.pywebio-file__link[href^="blob:"]');
        return a ? Date.now() : null;
    }""",
}


def _browser_once(page: Any, url: str, trial: Trial, kind: str) -> float:
    page.goto(url)
    page.get_by_text("ready").wait_for(timeout=30_000)
    trial.go.set()
    handle = page.wait_for_function(DONE_JS[kind], polling="raf", timeout=60_000)
    shown_ms = float(handle.json_value())
    return shown_ms / 1000 - trial.started


def _measure(kind: str, put: Callable[[], Any], runs: int, page: Any | None) -> list[float]:
    """Seconds from the call to arrival: at a protocol client (``page`` None) or shown."""
    times = []
    for _ in range(runs):
        trial = Trial(put)
        server = _start_server_in_thread(trial.app, host="127.0.0.1")
        try:
            if page is None:
                times.append(_protocol_once(server.port, trial))
            else:
                times.append(_browser_once(page, server.url, trial, kind))
        finally:
            server.stop()
    return times


LAB_SETUP = """
import os, time
from pywebio_nb.output import put_file, put_image, put_text
from PIL import Image
import io
side = int((5 * 2**20 / 3) ** 0.5)
buf = io.BytesIO()
Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buf, "PNG", compress_level=1)
IMAGE, BLOB, RUN = buf.getvalue(), os.urandom(20 * 2**20), 0
put_text("ready")
"""
LAB_IMAGE = """
RUN += 1
t0 = time.time()
put_image(IMAGE, title=f"run-{RUN}")
put_text(f"t0={t0!r}")
"""
LAB_FILE = """
RUN += 1
t0 = time.time()
put_file("big.bin", BLOB, f"run-{RUN}")
put_text(f"t0={t0!r}")
"""
LAB_DONE_JS = """([kind, label]) => {
    for (const host of document.querySelectorAll('.pywebio-nb-host')) {
        const root = host.shadowRoot;
        if (!root) continue;
        if (kind === 'image') {
            const img = root.querySelector(`img.pywebio-image[alt="${label}"]`);
            if (img && img.complete && img.naturalWidth > 0) return Date.now();
        } else {
            for (const a of root.querySelectorAll('a.pywebio-file__link[href^="blob:"]')) {
                if (a.textContent === label) return Date.now();
            }
        }
    }
    return null;
}"""


def _jupyterlab(page: Any, runs: int) -> dict[str, list[float]]:
    """Seconds from the call in the kernel to the output shown in JupyterLab, per kind."""
    import re
    import tempfile

    from _jupyter import cell_output_text, jupyter_server, open_notebook, run_cell

    results: dict[str, list[float]] = {"image": [], "file": []}
    with tempfile.TemporaryDirectory() as tmp, jupyter_server("lab", pathlib.Path(tmp)) as lab:
        name = lab.write_notebook("bench-media", [LAB_SETUP, LAB_IMAGE, LAB_FILE])
        open_notebook(page, lab.notebook_url(name))
        run_cell(page, 0)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.pywebio-nb-host')].some("
            "h => h.shadowRoot && h.shadowRoot.textContent.includes('ready'))",
            timeout=120_000,
        )
        count = 0
        for _ in range(runs):
            for index, kind in ((1, "image"), (2, "file")):
                count += 1
                run_cell(page, index)
                handle = page.wait_for_function(
                    LAB_DONE_JS, arg=[kind, f"run-{count}"], polling="raf", timeout=120_000
                )
                shown = float(handle.json_value()) / 1000
                page.wait_for_function(
                    "([i, n]) => document.querySelectorAll("
                    "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')[i]"
                    ".querySelector('.pywebio-nb-host')?.shadowRoot?.textContent.includes('t0=')",
                    arg=[index, count],
                    timeout=60_000,
                )
                match = re.search(r"t0=([0-9.]+)", cell_output_text(page, index))
                assert match, cell_output_text(page, index)
                results[kind].append(shown - float(match.group(1)))
    return results


def _report(name: str, target: str, times: list[float]) -> None:
    median, best = statistics.median(times) * 1000, min(times) * 1000
    print(f"{name:28} {target:16} {median:10.1f} {best:8.1f}  {len(times)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--jupyterlab", action="store_true", help="also time it in JupyterLab")
    args = parser.parse_args()

    image = noise_png(5 * MB)
    blob = os.urandom(20 * MB)
    cases = [
        (f"put_image, {len(image) / MB:.1f} MB PNG", "image", lambda: put_image(image)),
        (f"put_file, {len(blob) / MB:.0f} MB", "file", lambda: put_file("big.bin", blob)),
    ]
    print(f"{'case':28} {'reached':16} {'median ms':>10} {'min ms':>8}  runs")
    # The protocol client first: Playwright's sync API owns this thread's event loop.
    for name, kind, put in cases:
        _report(name, "protocol client", _measure(kind, put, args.runs, None))
    if args.no_browser:
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            for name, kind, put in cases:
                _report(name, "chromium page", _measure(kind, put, args.runs, page))
            if args.jupyterlab:
                lab = _jupyterlab(
                    browser.new_page(viewport={"width": 1280, "height": 900}), args.runs
                )
                for name, kind, _put in cases:
                    _report(name, "jupyterlab cell", lab[kind])
        finally:
            browser.close()


if __name__ == "__main__":
    main()
