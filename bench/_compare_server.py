"""The server half of ``bench_compare.py``: the same apps on pywebio_nb or PyWebIO.

Both libraries have the same API, so every app below is written once and run by
either one: ``python bench/_compare_server.py --impl pywebio_nb|pywebio --port P``
(PyWebIO in the bench venv's python, pywebio_nb in the project venv). Each
implementation runs in its own process, so its RSS is its own.

Apps (``?app=NAME``):

* ``texts`` / ``texts_async``: ``put_text(i)`` ``--texts`` times;
* ``inputs`` / ``inputs_async``: ``input()`` ``--inputs`` times;
* ``click`` / ``click_async``: a text and a button whose click outputs one text;
  the callback keeps the session open until the browser goes away (both
  libraries), which is what the memory and soak rounds hold open;
* ``stats``: one text with this process's RSS, thread count and number of live
  session objects after a full garbage collection (and how many session objects
  there were before it).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import threading
from typing import Any


def rss_kib() -> int:
    """This process's resident set size (KiB), from /proc."""
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def make_apps(impl: str, texts: int, inputs: int) -> dict[str, Any]:
    output = importlib.import_module(f"{impl}.output")
    input_module = importlib.import_module(f"{impl}.input")
    put_text, put_buttons = output.put_text, output.put_buttons
    input_func = input_module.input
    # The base class every session of that library derives from.
    base = "pywebio.session" if impl == "pywebio" else "pywebio_nb.session._base"
    session_class: type = importlib.import_module(base).Session

    def texts_app() -> None:
        for i in range(texts):
            put_text(i)

    async def texts_async() -> None:
        for i in range(texts):
            put_text(i)

    def inputs_app() -> None:
        for _ in range(inputs):
            input_func("x")

    async def inputs_async() -> None:
        for _ in range(inputs):
            await input_func("x")

    def click() -> None:
        put_text("ready")
        put_buttons(["b"], onclick=lambda value: put_text(value))

    async def click_async() -> None:
        put_text("ready")
        put_buttons(["b"], onclick=lambda value: put_text(value))

    def count_sessions() -> int:
        return sum(1 for obj in gc.get_objects() if isinstance(obj, session_class))

    def stats() -> None:
        # Closed sessions that only the cyclic GC frees are counted before it runs.
        uncollected = count_sessions()
        gc.collect()
        put_text(
            json.dumps(
                {
                    "rss_kib": rss_kib(),
                    "threads": threading.active_count(),
                    "sessions": count_sessions(),
                    "sessions_before_gc": uncollected,
                }
            )
        )

    return {
        "index": click,
        "texts": texts_app,
        "texts_async": texts_async,
        "inputs": inputs_app,
        "inputs_async": inputs_async,
        "click": click,
        "click_async": click_async,
        "stats": stats,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", choices=["pywebio_nb", "pywebio"], required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--texts", type=int, default=20000)
    parser.add_argument("--inputs", type=int, default=200)
    args = parser.parse_args()
    apps = make_apps(args.impl, args.texts, args.inputs)
    platform = importlib.import_module(f"{args.impl}.platform.tornado")
    # cdn=False: PyWebIO serves its own assets too, so both pages load from this server.
    platform.start_server(apps, port=args.port, host="127.0.0.1", cdn=False)


if __name__ == "__main__":
    main()
