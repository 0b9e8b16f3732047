"""CPU instructions of server work per ``put_text`` or round trip: figures that do not drift.

Wall-clock throughput on a shared virtual machine moves by up to 2x within minutes; the
number of instructions the server executes does not. This runs ``_compare_server.py``
(bench_compare's apps) under ``valgrind --tool=callgrind`` twice per app kind, drives one
session of ``--count`` units and one of a tenth of that with bench_compare's protocol
client, and prints the difference of the two totals divided by the difference of the
counts: what one more unit costs the server, without the server's start-up and the
session's opening. The units (``--figure``):

* ``texts``: one ``put_text`` in a loop, from the call to the loopback send of its batch;
* ``input``: one ``input()`` round trip (the event read, the app resumed, the next form
  sent);
* ``click``: one button click (the event read, the callback run, its text sent).

``--impl floor`` counts the same for ``_floor_server.py``, the bare Tornado WebSocket of
bench_compare's floor column: a round trip's count minus the floor's is the framework's
own work. Compare two checkouts with ``--root``.

Needs valgrind (``apt-get install valgrind``); takes ~1 minute per app kind.

Run: ``.venv/bin/python bench/bench_instructions.py [--figure texts|input|click]
[--count N] [--impl pywebio_nb|floor] [--root DIR]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_compare

STARTUP_TIMEOUT = 300.0  # Python under valgrind starts ~50x slower
STOP_ATTEMPTS = 10
STOP_WAIT = 30.0


def _stop(process: subprocess.Popen[str]) -> str:
    """Stop the server with SIGTERM (callgrind then writes its totals); its stderr.

    Under valgrind the signal may reach a thread other than the main one, where
    Python never sees it while the main thread waits: it is sent again.
    """
    for _ in range(STOP_ATTEMPTS):
        process.terminate()
        try:
            return process.communicate(timeout=STOP_WAIT)[1]
        except subprocess.TimeoutExpired:
            continue
    raise RuntimeError(f"the server did not stop after {STOP_ATTEMPTS} SIGTERMs")


#: What drives one session of ``count`` units of each figure (bench_compare's client).
DRIVERS: dict[str, Callable[[int, str, int], Awaitable[object]]] = {
    "texts": bench_compare.throughput,
    "input": bench_compare.input_round_trip,
    "click": bench_compare.callback_latency,
}
#: The app of each figure, for the thread kind (the coroutine kind adds ``_async``).
APPS = {"texts": "texts", "input": "inputs", "click": "click"}


def instructions(
    root: Path, impl: str, figure: str, app: str, count: int, keep: Path | None = None
) -> int:
    """Instructions the server of ``root`` executes to start, serve ``count`` units, stop.

    ``keep``: a folder where callgrind's profile stays, as ``APP.COUNT.out``.
    """
    port = bench_compare._free_port()
    python = sys.executable
    script = "_floor_server.py" if impl == "floor" else "_compare_server.py"
    with tempfile.TemporaryDirectory() as tmp:
        out = keep / f"{app}.{count}.out" if keep else Path(tmp) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            python,
            str(root / "bench" / script),
            "--impl",
            impl,
            "--port",
            str(port),
            "--texts",
            str(count),
            "--inputs",
            str(count + 1),  # the last form stays open while the client goes
        ]
        env = dict(os.environ, PYTHONPATH=str(root))
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        try:
            bench_compare.wait_listening(process, port, f"{impl} under valgrind", STARTUP_TIMEOUT)
            asyncio.run(DRIVERS[figure](port, app, count))
            stderr = _stop(process)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    totals = re.findall(r"I\s+refs:\s+([\d,]+)", stderr)
    if not totals:
        raise RuntimeError(f"callgrind printed no total:\n{stderr[-2000:]}")
    return int(totals[-1].replace(",", ""))


def done(figure: str, count: int) -> int:
    """Units the server serves when the driver is asked for ``count`` (clicks warm up first)."""
    return count + count // 10 if figure == "click" else count


def per_unit(
    root: Path, impl: str, figure: str, app: str, count: int, keep: Path | None = None
) -> float:
    few = count // 10
    many_total = instructions(root, impl, figure, app, count, keep)
    few_total = instructions(root, impl, figure, app, few, keep)
    return (many_total - few_total) / (done(figure, count) - done(figure, few))


#: Units per session by default: enough that the difference dwarfs callgrind's noise.
DEFAULT_COUNTS = {"texts": 22000, "input": 2200, "click": 2200}
UNIT_NAMES = {"texts": "put_text", "input": "input() round trip", "click": "click"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figure", choices=sorted(DRIVERS), default="texts")
    parser.add_argument("--count", type=int, help="units in the larger session")
    parser.add_argument("--impl", choices=["pywebio_nb", "floor"], default="pywebio_nb")
    parser.add_argument("--root", type=Path, default=bench_compare.ROOT, help="a checkout")
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep callgrind's profiles here (read them with callgrind_annotate)",
    )
    parser.add_argument("--kind", choices=["thread", "async", "both"], default="both")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: apt-get install valgrind")
    count = args.count or DEFAULT_COUNTS[args.figure]
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    for kind, suffix in (("thread", ""), ("async", "_async")):
        if args.kind not in (kind, "both"):
            continue
        app = APPS[args.figure] + suffix
        cost = per_unit(args.root.resolve(), args.impl, args.figure, app, count, args.keep)
        unit = UNIT_NAMES[args.figure]
        print(f"{args.impl} {kind:6} app: {cost:,.0f} instructions per {unit}", flush=True)


if __name__ == "__main__":
    main()
