"""Benchmark: the static copy of a cell root that saved notebooks keep (``_static_html``).

Measured:

1. offline, for one root with 10,000 ``put_text`` outputs: the page-model snapshot
   (taken under the session lock), the ``text/html`` rendering, the snapshot entry,
   and their sizes;
2. in a real kernel (ipykernel 7, driven by jupyter_client, a frontend that only
   answers pings): a cell with 10,000 ``put_text`` — the loop's own time inside the
   kernel and the cell's wall time from execute_request to execute_reply (which
   includes the refresh at the cell's end) — with the static copy on (default) and
   off (``KernelSession.save_static = False``, the behaviour before it existed),
   interleaved, ``REPS`` runs each.

Run: .venv/bin/python bench/bench_static_html.py
"""

from __future__ import annotations

import json
import pathlib
import statistics
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "notebooks"))
sys.path.insert(0, str(REPO))

from kernel_driver import KernelDriver  # noqa: E402

from pywebio_nb.jupyter._static_html import (  # noqa: E402
    SNAPSHOT_MIME,
    display_entries,
    render_html,
    snapshot_data,
)
from pywebio_nb.protocol import make_command, scope_selector  # noqa: E402
from pywebio_nb.session._page_model import PageModel  # noqa: E402

N = 10_000
REPS = 15


def offline() -> None:
    page = PageModel()
    for i in range(N):
        spec = {"type": "text", "content": f"line {i}", "inline": False}
        spec.update(scope=scope_selector("ROOT"), position=-1)
        page.apply(make_command("output", spec), "cell-1")
    timings: dict[str, list[float]] = {"snapshot": [], "html": [], "snapshot entry": [], "all": []}
    for _ in range(REPS):
        t0 = time.perf_counter()
        commands = page.snapshot("cell-1")
        t1 = time.perf_counter()
        markup = render_html(commands)
        t2 = time.perf_counter()
        data = snapshot_data("cell-1", commands)
        t3 = time.perf_counter()
        entries = display_entries("cell-1", commands, [])
        t4 = time.perf_counter()
        for key, value in zip(timings, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            timings[key].append(value * 1000)
    assert data is not None and SNAPSHOT_MIME in entries
    print(f"offline, one root with {N:,} put_text (median of {REPS}):")
    for key, values in timings.items():
        print(f"  {key:<15} {statistics.median(values):7.1f} ms")
    print(f"  text/html       {len(markup) / 1024:7.0f} KiB")
    print(f"  snapshot JSON   {len(json.dumps(data)) / 1024:7.0f} KiB")


_SETUP = (
    "from pywebio_nb.jupyter._kernel_session import KernelSession\nKernelSession.save_static = {}"
)
_CELL = f"""import time
from pywebio_nb.output import put_text
_t0 = time.perf_counter()
for _i in range({N}):
    put_text(f"line {{_i}}")
_loop = time.perf_counter() - _t0
"""


def _stream(driver: KernelDriver, marker: str) -> str:
    return str(
        driver.pump_until(
            lambda: next(
                (
                    o["content"]["text"]
                    for o in driver.outputs
                    if o["msg_type"] == "stream" and marker in o["content"]["text"]
                ),
                None,
            ),
            timeout=60,
        )
    )


def in_kernel() -> None:
    drivers = {"static copy on": KernelDriver(), "static copy off": KernelDriver()}
    try:
        for driver, on in zip(drivers.values(), (True, False), strict=True):
            driver.reply(driver.execute(_SETUP.format(on)), timeout=60)
        loops: dict[str, list[float]] = {label: [] for label in drivers}
        walls: dict[str, list[float]] = {label: [] for label in drivers}
        for rep in range(REPS):
            for label, driver in drivers.items():
                driver.outputs.clear()
                start = time.perf_counter()
                driver.reply(driver.execute(_CELL), timeout=120)
                walls[label].append((time.perf_counter() - start) * 1000)
                driver.execute(f"print('LOOP{rep}', _loop)")
                loops[label].append(float(_stream(driver, f"LOOP{rep}").split()[1]) * 1000)
        print(f"\nin a kernel (ipykernel 7), a cell with {N:,} put_text (median of {REPS}):")
        for label in drivers:
            print(
                f"  {label:<16} loop {statistics.median(loops[label]):7.1f} ms   "
                f"cell (execute -> reply) {statistics.median(walls[label]):7.1f} ms"
            )
    finally:
        for driver in drivers.values():
            driver.close()


if __name__ == "__main__":
    offline()
    in_kernel()
