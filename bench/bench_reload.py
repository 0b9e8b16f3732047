"""Benchmark: a notebook page that comes back (reload, second tab) to a big cell root.

Measured, for one cell with ``N`` (10,000) ``put_text`` outputs:

1. ``kernel``: in a real kernel (ipykernel 7, jupyter_client, a frontend that only
   answers pings and acknowledges), the snapshot a reloaded view gets: the time
   ``Session.catch_up`` takes inside the kernel to build the ``resync`` batch, its
   size as comm message JSON, and the round trip from the ``resume`` event to the
   resync message arriving at the client;
2. ``lab``: in JupyterLab 4.6 in headless Chromium (``/usr/bin/chromium``): the cell
   run to the last of the N outputs rendered (issue 8, item 5: <= 2 s), then the saved
   notebook reloaded and the time from the reload to all N outputs rendered again in
   the live view.

``--pythonpath DIR`` runs the JupyterLab part with another checkout's package (e.g. an
export of the commit before a change, its bundle built) to compare before/after.

Run: .venv/bin/python bench/bench_reload.py [--n 10000] [--reps 3] [--skip-lab]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import sys
import tempfile
import time
from typing import Any

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "notebooks"))
sys.path.insert(0, str(REPO / "tests" / "browser"))
sys.path.insert(0, str(REPO))

from kernel_driver import KernelDriver  # noqa: E402

from pywebio_nb.jupyter._wire import decode_batch  # noqa: E402

KERNEL_PROBE = """
import json, time
from pywebio_nb.jupyter._kernel_session import kernel_session
from pywebio_nb.jupyter._wire import encode_batch
_s = kernel_session()
_t = time.perf_counter()
_entries = _s.catch_up(-1, {root!r})
_dt = time.perf_counter() - _t
_size = len(json.dumps(encode_batch(_entries[0].seq, _entries[0].batch)))
print(json.dumps({{"catch_up_s": _dt, "bytes": _size, "commands": len(_entries[0].batch)}}))
"""


class AckDriver(KernelDriver):
    """Answers pings; remembers each comm's root id, last seq and the time of each message."""

    def __init__(self) -> None:
        super().__init__("python3")
        self.roots: dict[str, str] = {}
        self.last: dict[str, int] = {}
        self.resynced_at: float | None = None

    def _handle(self, msg: dict[str, Any]) -> None:
        content = msg["content"]
        if msg["msg_type"] == "comm_open":
            root_id = content["data"].get("state", {}).get("root_id")
            if root_id:  # a cell root (not its ipywidgets layout model)
                self.roots[content["comm_id"]] = root_id
        elif msg["msg_type"] == "comm_msg" and content["data"].get("method") == "custom":
            batch = decode_batch(content["data"]["content"])
            self.last[content["comm_id"]] = batch.seq
            if any(c["command"] == "resync" for c in batch.commands):
                self.resynced_at = time.perf_counter()
        super()._handle(msg)


def bench_kernel(n: int, reps: int) -> dict[str, Any]:
    driver = AckDriver()
    results: dict[str, list[float]] = {"catch_up_s": [], "bytes": [], "round_trip_s": []}
    try:
        for _ in range(reps):
            before = set(driver.roots)
            cell = driver.execute(
                f"from pywebio_nb.output import put_text\nfor i in range({n}):\n"
                "    put_text(f'line {i} of the output')\n"
            )
            assert driver.reply(cell, timeout=120)["status"] == "ok"
            comm = driver.pump_until(
                lambda b=before: next(iter(set(driver.roots) - b), None), timeout=60
            )
            count = lambda c=comm: len(driver.commands.get(c, []))  # noqa: E731
            driver.pump_until(lambda c=count: c() >= n, timeout=120)
            root = driver.roots[comm]
            ack = {"seq": driver.last[comm], "root": root}
            driver.send_event(comm, {"event": "ack", "task_id": None, "data": ack})
            driver.resynced_at = None
            started = time.perf_counter()
            resume = {"root": root, "applied": 0}
            driver.send_event(comm, {"event": "resume", "task_id": None, "data": resume})
            driver.pump_until(lambda: driver.resynced_at is not None, timeout=60)
            assert driver.resynced_at is not None
            results["round_trip_s"].append(driver.resynced_at - started)
            mark = len(driver.outputs)
            probe = driver.execute(KERNEL_PROBE.format(root=root))
            assert driver.reply(probe, timeout=60)["status"] == "ok"
            driver.pump_until(
                lambda m=mark: any(o["msg_type"] == "stream" for o in driver.outputs[m:])
            )
            printed = next(o for o in driver.outputs[mark:] if o["msg_type"] == "stream")
            measured = json.loads(printed["content"]["text"])
            assert measured["commands"] >= n, measured
            results["catch_up_s"].append(measured["catch_up_s"])
            results["bytes"].append(measured["bytes"])
    finally:
        driver.close()
    return {k: statistics.median(v) for k, v in results.items()}


RUN_AND_WAIT = """
async ([n, limitMs]) => {
  const shown = () => {
    const cell = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')[0];
    let most = 0;
    for (const host of cell ? cell.querySelectorAll('.pywebio-nb-host') : []) {
      const root = host.shadowRoot && host.shadowRoot.getElementById('pywebio-scope-ROOT');
      if (root) most = Math.max(most, root.childElementCount);
    }
    return most;
  };
  const t0 = performance.now();
  if (n > 0) window.jupyterapp.commands.execute('notebook:run-all-cells');
  const want = Math.abs(n);
  while (shown() < want) {
    if (performance.now() - t0 > limitMs) throw new Error(`only ${shown()} of ${want} shown`);
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  return performance.now() - t0;
}
"""


def bench_lab(n: int, reps: int, pythonpath: str | None) -> dict[str, Any]:
    from _jupyter import jupyter_server, open_notebook
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO / "tests" / "browser"))
    from conftest import CHROMIUM, CHROMIUM_ARGS

    if pythonpath:
        os.environ["PYTHONPATH"] = pythonpath  # the server's kernels inherit it
    runs: list[float] = []
    reloads: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, jupyter_server("lab", pathlib.Path(tmp)) as server:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                for rep in range(reps):
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    name = server.write_notebook(
                        f"reload-bench-{rep}",
                        [
                            "from pywebio_nb.output import put_text\n"
                            f"for i in range({n}):\n    put_text(f'line {{i}} of the output')"
                        ],
                    )
                    open_notebook(page, server.notebook_url(name))
                    runs.append(page.evaluate(RUN_AND_WAIT, [n, 60_000]) / 1000)
                    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
                    page.wait_for_function(
                        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty"
                    )
                    started = time.perf_counter()
                    page.reload()
                    page.wait_for_function(
                        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                    )
                    try:
                        page.evaluate(RUN_AND_WAIT, [-n, 30_000])
                        reloads.append(time.perf_counter() - started)
                    except Exception as exc:  # a version that loses outputs on reload
                        print(f"reload: {exc}", file=sys.stderr)
                        reloads.append(float("nan"))
                    page.close()
            finally:
                browser.close()
    return {
        "run_to_last_render_s": statistics.median(runs),
        "runs": runs,
        "reload_to_last_render_s": statistics.median(reloads),
        "reloads": reloads,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--skip-lab", action="store_true")
    parser.add_argument("--skip-kernel", action="store_true")
    parser.add_argument("--pythonpath", default=None)
    args = parser.parse_args()
    out: dict[str, Any] = {"n": args.n}
    if not args.skip_kernel:
        out["kernel"] = bench_kernel(args.n, args.reps)
    if not args.skip_lab:
        out["lab"] = bench_lab(args.n, args.reps, args.pythonpath)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
