"""CPU instructions of server work per ``put_text``: a figure that does not drift with the machine.

Wall-clock throughput on a shared virtual machine moves by up to 2x within minutes; the
number of instructions the server executes does not. This runs ``_compare_server.py``
(bench_compare's apps) under ``valgrind --tool=callgrind`` twice per app kind, drives one
throughput session of ``--texts`` texts and one of a tenth of that with bench_compare's
protocol client, and prints the difference of the two totals divided by the difference of
the counts: what one more ``put_text`` costs the server, from the call to the loopback
send of its batch, without the server's start-up and the session's opening.

Needs valgrind (``apt-get install valgrind``); takes ~1 minute per app kind. Compare two
checkouts with ``--root``: ``python bench/bench_instructions.py --root /path/to/other``.

Run: ``.venv/bin/python bench/bench_instructions.py [--texts 22000] [--root DIR]``
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


def instructions(root: Path, app: str, texts: int) -> int:
    """Instructions the server of ``root`` executes to start, serve ``texts`` texts, stop."""
    port = bench_compare._free_port()
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={tmp}/callgrind.out",
            python,
            str(root / "bench" / "_compare_server.py"),
            "--impl",
            "pywebio_nb",
            "--port",
            str(port),
            "--texts",
            str(texts),
        ]
        env = dict(os.environ, PYTHONPATH=str(root))
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        try:
            bench_compare.wait_listening(
                process, port, "pywebio_nb under valgrind", STARTUP_TIMEOUT
            )
            asyncio.run(bench_compare.throughput(port, app, texts))
            stderr = _stop(process)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    totals = re.findall(r"I\s+refs:\s+([\d,]+)", stderr)
    if not totals:
        raise RuntimeError(f"callgrind printed no total:\n{stderr[-2000:]}")
    return int(totals[-1].replace(",", ""))


def per_text(root: Path, app: str, texts: int) -> float:
    few = texts // 10
    return (instructions(root, app, texts) - instructions(root, app, few)) / (texts - few)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=22000)
    parser.add_argument("--root", type=Path, default=bench_compare.ROOT, help="a checkout")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: apt-get install valgrind")
    for kind, app in (("thread", "texts"), ("async", "texts_async")):
        cost = per_text(args.root.resolve(), app, args.texts)
        print(f"{kind:6} app: {cost:,.0f} instructions of server work per put_text", flush=True)


if __name__ == "__main__":
    main()
