"""Load and soak on one pywebio_nb server: the figures of the reliability issue.

For the thread-based (``def``) and the coroutine-based (``async def``) click app
of ``bench/_compare_server.py``, on a fresh server process each:

* ``--sessions`` sessions opened concurrently (each past its first output), one
  click each answered, then all closed: how many completed and how long it took;
* a soak: ``--rounds`` rounds of that, RSS after each round once every closed
  session is gone (the server runs a full gc before each reading), and the last
  round's RSS against round 1's (the goal: within +10 %).

It also prints how many closed sessions were still alive before that gc: they
would wait for the cyclic garbage collector rather than being freed when they
close (0: every closed session was freed by reference counting).

Run: ``.venv/bin/python bench/bench_load.py [--sessions 1000 --rounds 5]``
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_compare import (
    Client,
    Options,
    _is_buttons,
    _is_text,
    serve,
    settled_stats,
    stats,
)


async def one_round(port: int, app: str, count: int) -> tuple[int, float]:
    """``count`` concurrent sessions, one click each; (completed, seconds)."""
    start = time.perf_counter()

    async def open_one() -> tuple[Client, dict[str, object]]:
        client = await Client.open(port, app)
        return client, await client.until(_is_buttons)

    opened: list[tuple[Client, dict[str, object]]] = []
    for first in range(0, count, 100):  # below Tornado's listen backlog
        opened += await asyncio.gather(*(open_one() for _ in range(min(100, count - first))))

    async def click(client: Client, buttons: dict[str, object]) -> bool:
        spec = buttons["spec"]
        assert isinstance(spec, dict)
        await client.send("callback", spec["callback_id"], spec["buttons"][0]["value"])
        await client.until(lambda c: _is_text(c) and c["spec"]["content"] != "ready")
        client.close()
        return True

    done = await asyncio.gather(*(click(c, b) for c, b in opened), return_exceptions=True)
    return sum(1 for d in done if d is True), time.perf_counter() - start


async def main(sessions: int, rounds: int) -> None:
    print(f"{sessions} concurrent sessions x {rounds} rounds, one server per app kind")
    for kind, app in (("thread", "click"), ("coroutine", "click_async")):
        with serve(sys.executable, "pywebio_nb", Options(page=False)) as port:
            start = (await settled_stats(port))["rss_kib"]
            readings: list[int] = []
            for index in range(rounds):
                completed, seconds = await one_round(port, app, sessions)
                figures = await stats(port)
                # Session objects found before the stats app's gc run, minus those
                # alive after it (the stats session itself): closed ones nobody freed.
                before_gc = figures["sessions_before_gc"] - figures["sessions"]
                rss = (await settled_stats(port))["rss_kib"]
                readings.append(rss)
                print(
                    f"  {kind:9} round {index + 1}: {completed}/{sessions} completed in "
                    f"{seconds:5.2f} s; RSS {rss / 1024:6.1f} MB; closed sessions waiting "
                    f"for the gc: {before_gc}"
                )
            growth = (readings[-1] - readings[0]) / readings[0] * 100
            print(
                f"  {kind:9} RSS: start {start / 1024:.1f} MB, round 1 {readings[0] / 1024:.1f} "
                f"MB, round {rounds} {readings[-1] / 1024:.1f} MB ({growth:+.1f} % vs round 1)"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.sessions, args.rounds))
