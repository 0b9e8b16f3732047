"""Benchmark of ``file_upload``: a 50 MB file from a real Chromium to the app.

1. Server page: ``start_server`` runs in a subprocess (so its RSS is its own); Chromium
   (Playwright, Debian's ``/usr/bin/chromium``) opens the page, ``set_input_files`` puts
   a 50 MB file into the form's file input, and the time runs from the click on Submit
   to the app's ``put_text`` of the received size and SHA-256 shown on the page (1 MB
   binary WebSocket frames, each sent once the socket's buffer drained).
2. With ``--jupyterlab``: the same in a cell of a real JupyterLab (comm message buffers
   through the Jupyter server's kernel websocket; the cell blocks in ``file_upload``
   while the kernel's event pump takes the chunks), timed from the click to the cell's
   printed result.

Peak RSS is the server's / kernel's ``VmHWM`` (from ``/proc``) read after each run,
next to the RSS before the first upload: the increase is what receiving costs (the
chunks, then the joined ``bytes``).

Run: ``.venv/bin/python bench/bench_upload.py [--runs 3] [--size-mb 50] [--jupyterlab]``
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import time
from typing import Any

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

MB = 1 << 20
CHROMIUM = os.environ.get("PYWEBIO_NB_CHROMIUM", "/usr/bin/chromium")

SERVER_APP = """
import hashlib, sys
from pywebio_nb.input import file_upload
from pywebio_nb.output import put_text
from pywebio_nb.platform.tornado import start_server

def app():
    run = 0
    while True:
        run += 1
        f = file_upload("Upload", placeholder="Choose a big file")
        digest = hashlib.sha256(f["content"]).hexdigest()[:16]
        put_text(f"run {run}: got {len(f['content'])} sha={digest}")
        del f

start_server(app, port=int(sys.argv[1]), host="127.0.0.1")
"""

LAB_CELL = (
    "import hashlib, os\n"
    "from pywebio_nb.input import file_upload\n"
    "f = file_upload('Upload')\n"
    "print('got', len(f['content']), 'sha=' + hashlib.sha256(f['content']).hexdigest()[:16])\n"
    "del f"
)


def memory(pid: int) -> dict[str, float]:
    """VmRSS / VmHWM of ``pid`` in MB."""
    fields: dict[str, float] = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_listening(port: int, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)  # a bench waiting for a subprocess to listen; not a test
    raise TimeoutError(f"the server did not listen on {port} within {timeout} s")


def upload_in(page: Any, scope: Any, path: pathlib.Path, expect: str, timeout_ms: int) -> float:
    """Put the file ``path`` into the file input under ``scope``, submit; seconds to ``expect``.

    (A path, not bytes: Playwright refuses buffers over 50 MB.)
    """
    chooser = scope.locator("input[type=file]")
    chooser.wait_for(timeout=timeout_ms)
    chooser.set_input_files(str(path))
    button = scope.get_by_role("button", name="Submit")
    start = time.perf_counter()
    button.click()
    scope.get_by_text(expect).first.wait_for(timeout=timeout_ms)
    return time.perf_counter() - start


def bench_server(browser: Any, path: pathlib.Path, runs: int) -> None:
    content = path.read_bytes()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVER_APP, str(port)], cwd=REPO)
    try:
        wait_listening(port, proc)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.locator("input[type=file]").wait_for(timeout=30_000)
        before = memory(proc.pid)
        digest = hashlib.sha256(content).hexdigest()[:16]
        times = []
        for run in range(1, runs + 1):
            expect = f"run {run}: got {len(content)} sha={digest}"
            times.append(upload_in(page, page, path, expect, 120_000))
            after = memory(proc.pid)
            print(
                f"server page  run {run}: {times[-1]:6.2f} s  "
                f"({len(content) / MB / times[-1]:5.1f} MB/s)  server RSS before "
                f"{before['VmRSS']:6.1f} MB, now {after['VmRSS']:6.1f} MB, "
                f"peak {after['VmHWM']:6.1f} MB (+{after['VmHWM'] - before['VmRSS']:.1f})",
                flush=True,
            )
        print(f"server page  median {statistics.median(times):.2f} s, min {min(times):.2f} s")
    finally:
        proc.terminate()
        proc.wait(10)


def bench_jupyterlab(browser: Any, path: pathlib.Path, runs: int) -> None:
    content = path.read_bytes()
    import re
    import tempfile

    from _jupyter import cell, cell_output_text, jupyter_server, open_notebook, run_cell

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    digest = hashlib.sha256(content).hexdigest()[:16]
    with tempfile.TemporaryDirectory() as tmp, jupyter_server("lab", pathlib.Path(tmp)) as lab:
        name = lab.write_notebook(
            "bench-upload", ["import os; print('pid', os.getpid())", LAB_CELL]
        )
        open_notebook(page, lab.notebook_url(name))
        run_cell(page, 0)
        page.wait_for_function(
            "() => document.querySelectorAll('.jp-OutputArea-output')[0]?.textContent"
            ".includes('pid')",
            timeout=120_000,
        )
        match = re.search(r"pid (\d+)", cell_output_text(page, 0))
        assert match, cell_output_text(page, 0)
        pid = int(match.group(1))
        before = memory(pid)
        times = []
        for run in range(1, runs + 1):
            run_cell(page, 1)
            scope = cell(page, 1)
            times.append(upload_in(page, scope, path, f"got {len(content)} sha={digest}", 180_000))
            after = memory(pid)
            print(
                f"jupyterlab   run {run}: {times[-1]:6.2f} s  "
                f"({len(content) / MB / times[-1]:5.1f} MB/s)  kernel RSS before "
                f"{before['VmRSS']:6.1f} MB, now {after['VmRSS']:6.1f} MB, "
                f"peak {after['VmHWM']:6.1f} MB (+{after['VmHWM'] - before['VmRSS']:.1f})",
                flush=True,
            )
            # the next run's cell output replaces this one
            page.wait_for_function(
                "() => !document.querySelectorAll('.jp-Cell')[1]"
                ".querySelector('.pywebio-nb-host')?.shadowRoot?.querySelector('form')",
                timeout=60_000,
            )
        print(f"jupyterlab   median {statistics.median(times):.2f} s, min {min(times):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size-mb", type=int, default=50)
    parser.add_argument("--jupyterlab", action="store_true", help="also upload in JupyterLab")
    parser.add_argument("--no-server", action="store_true", help="skip the server page")
    args = parser.parse_args()
    import tempfile

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        path = pathlib.Path(tmp) / "big.bin"
        path.write_bytes(os.urandom(args.size_mb * MB))
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            if not args.no_server:
                bench_server(browser, path, args.runs)
            if args.jupyterlab:
                bench_jupyterlab(browser, path, args.runs)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
