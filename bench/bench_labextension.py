"""Benchmark: what the pywebio_nb JupyterLab extension costs JupyterLab's start-up.

JupyterLab 4.6 in headless Chromium (``/usr/bin/chromium``), started twice with the same
fresh directories: once with the ``pywebio-nb`` extension enabled, once disabled through
``labconfig/page_config.json`` (``disabledExtensions``). For each, ``--reps`` page loads
of a fresh workspace: the time from navigation start to ``jupyterapp.restored``, and the
bytes of the extension's files the page fetched (its snapshot renderer is a lazy chunk,
fetched only when a saved output is shown, so it is not among them). JupyterLab still
fetches a disabled extension's entry and plugin module; it does not activate them.

Measured 2026-12-01 on the shared 2-core machine, 7 loads per run, runs interleaved:
medians 2.5 / 3.2 s disabled, 3.7 / 2.6 s enabled: no difference above the noise. The
extension's start-up files: 20.8 KB (8.6 KB gzip); the lazy renderer chunk 77 KB gzip.

Run: .venv/bin/python bench/bench_labextension.py [--reps 7]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import sys
import tempfile
import uuid
from typing import Any

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from _jupyter import jupyter_server  # noqa: E402
from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# Resolves with performance.now() when JupyterLab has restored its layout.
RESTORED_JS = """() => new Promise((resolve) => {
  const wait = () => window.jupyterapp
    ? window.jupyterapp.restored.then(() => resolve(performance.now()))
    : setTimeout(wait, 5);
  wait();
})"""


def measure(browser: Any, enabled: bool, reps: int) -> tuple[list[float], int]:
    base = pathlib.Path(tempfile.mkdtemp(prefix="bench-labext-"))
    labconfig = base / "config" / "labconfig"
    labconfig.mkdir(parents=True)
    disabled = {} if enabled else {"pywebio-nb": True}
    (labconfig / "page_config.json").write_text(json.dumps({"disabledExtensions": disabled}))
    times: list[float] = []
    ext_bytes = 0
    with jupyter_server("lab", base) as server:
        for i in range(reps + 1):  # the first load warms the server's caches: not counted
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            fetched: list[int] = []

            def on_response(response: Any, fetched: list[int] = fetched) -> None:
                if "/lab/extensions/pywebio-nb/" in response.url:
                    fetched.append(len(response.body()))

            page.on("response", on_response)
            workspace = f"b{uuid.uuid4().hex[:10]}"
            url = f"{server.base_url}/lab/workspaces/{workspace}?reset&token={server.token}"
            page.goto(url, wait_until="commit")
            restored = float(page.evaluate(RESTORED_JS))
            if i:
                times.append(restored)
                ext_bytes = sum(fetched)
            context.close()
    return times, ext_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            rows = []
            for enabled in (False, True, False, True):  # interleaved: the machine drifts
                times, ext_bytes = measure(browser, enabled, args.reps)
                rows.append((enabled, times, ext_bytes))
        finally:
            browser.close()
    print(f"JupyterLab start-up (navigation -> restored), {args.reps} loads per run, ms")
    print(f"{'extension':<10} {'median':>8} {'min':>8} {'max':>8} {'ext bytes':>10}")
    for enabled, times, ext_bytes in rows:
        print(
            f"{'enabled' if enabled else 'disabled':<10} {statistics.median(times):8.0f} "
            f"{min(times):8.0f} {max(times):8.0f} {ext_bytes:10d}"
        )


if __name__ == "__main__":
    main()
