"""pywebio_nb and PyWebIO 1.8.4 side by side, in one run on one machine.

Each implementation serves the same apps (``bench/_compare_server.py``) from its
own server process: pywebio_nb with the project venv's python, PyWebIO 1.8.4
with the bench venv's (``make bench`` creates it from ``requirements/bench.txt``).
One protocol client drives both over a loopback WebSocket (PyWebIO sends one
command per frame, pywebio_nb a list of commands per frame; both are read).
With pywebio_nb the client acknowledges the batches it read as the page does
(an ``ack`` 100 ms after the first batch not acknowledged yet, ``ACK_DELAY``),
so sessions keep no replay log; PyWebIO has no acknowledgement.

Measured, for a thread-based (``def``) and a coroutine-based (``async def``) app:

* output throughput: ``put_text(i)`` ``--texts`` times, texts/s received, and
  the time from opening the connection to the first text received (an async
  app that loops without awaiting must still show progress early); after one
  warm-up run, the median of three;
* input round trip: ``from_submit`` sent -> the next ``input_group`` received;
* callback latency: a ``callback`` event (a button click) sent -> the one
  ``output`` command the callback produces received;
* memory per session: server RSS with ``--sessions`` concurrent sessions of the
  click app open (each got its first output) minus the RSS before, divided by
  the number of sessions (the server runs a full gc before each reading);
* soak: ``--rounds`` rounds of ``--sessions`` sessions opened and closed on one
  server, RSS after each round once every session object is gone;
* many sessions: ``--many`` concurrent sessions of the coroutine click app on a
  fresh server, opened (each past its first output) then closed: the server's
  peak RSS (``VmHWM``) and the CPU seconds it spent from the first connection
  until it went idle after the last close (``/proc/<pid>/stat``);
* floor: the throughput, input and click figures again, the same client
  against a bare Tornado WebSocket (``bench/_floor_server.py``: ``json.loads``
  in, a prepared frame out, from a worker thread's hand-off for the thread
  kind): what the machine, the loopback, Tornado and this client cost by
  themselves (its throughput is what the client can take, not what any
  server produces);
* page weight: a real Chromium (Playwright, ``/usr/bin/chromium``) loads the
  page until the app's first text shows; every HTTP request is counted with
  the bytes its response body took on the wire and what it would take
  gzip-compressed (the WebSocket is not counted).

Run: ``.venv/bin/python bench/bench_compare.py [--pywebio-python .venv-bench/bin/python]
[--repeat N]``; with ``--repeat N`` every figure is the median of N runs of each
implementation and of the floor, measured alternately (``make bench`` uses 3: a shared
virtual machine's speed can drift by 2x within minutes).
It ends with the README's table (one row per figure, both app kinds side by
side), to paste as it is.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tornado.websocket

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SERVER_SCRIPT = HERE / "_compare_server.py"
FLOOR_SCRIPT = HERE / "_floor_server.py"
CHROMIUM = "/usr/bin/chromium"
TIMEOUT = 60.0


@dataclass
class Options:
    texts: int = 20000
    inputs: int = 200
    clicks: int = 1000
    sessions: int = 1000
    rounds: int = 5
    page: bool = True
    many: int = 10000


@dataclass
class Results:
    name: str
    figures: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------ servers
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


#: The pid of the server process listening on each port (see :func:`serve`).
_server_pids: dict[int, int] = {}


def _proc_status(pid: int, key: str) -> int:
    """A ``kB`` figure of ``/proc/<pid>/status`` (``VmRSS``, ``VmHWM``), in KiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {key} in /proc/{pid}/status")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process ``pid`` used so far (all its threads)."""
    with open(f"/proc/{pid}/stat") as stat:
        # The command name (field 2) may hold spaces: split after its closing paren.
        fields = stat.read().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


async def until_idle(pid: int, quiet: float = 0.02, step: float = 0.25) -> float:
    """Wait until ``pid`` used under ``quiet`` CPU seconds in ``step`` s; its CPU seconds."""
    deadline = time.monotonic() + TIMEOUT
    last = cpu_seconds(pid)
    while time.monotonic() < deadline:
        await asyncio.sleep(step)
        now = cpu_seconds(pid)
        if now - last < quiet:
            return now
        last = now
    return last


def wait_listening(process: subprocess.Popen[Any], port: int, name: str, timeout: float) -> None:
    """Return once the server ``process`` accepts connections on ``port``."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{name} server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} server did not listen within {timeout} s") from None
            time.sleep(0.05)  # a port not open yet gives nothing to wait on


@contextlib.contextmanager
def serve(python: str, impl: str, options: Options, script: Path = SERVER_SCRIPT) -> Iterator[int]:
    """Run the apps of ``impl`` in a server subprocess; yields its port."""
    port = _free_port()
    command = [python, str(script), "--impl", impl, "--port", str(port)]
    command += ["--texts", str(options.texts), "--inputs", str(options.inputs)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        wait_listening(process, port, impl, TIMEOUT)
        _server_pids[port] = process.pid
        yield port
    finally:
        _server_pids.pop(port, None)
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ------------------------------------------------------------------- client
class Client:
    """One session over the protocol; reads PyWebIO's single commands and our batches."""

    #: Seconds from a batch to its ``ack`` (js/src/entries/page.ts); None: never.
    ACK_DELAY: float | None = 0.1

    def __init__(self, conn: tornado.websocket.WebSocketClientConnection) -> None:
        self.conn = conn
        self.closed = False
        self.applied = 0  # pywebio_nb's batches read (the page's count)
        self._ack_timer: asyncio.TimerHandle | None = None

    @classmethod
    async def open(cls, port: int, app: str) -> Client:
        conn = await tornado.websocket.websocket_connect(
            f"ws://127.0.0.1:{port}/?app={app}&session=NEW", max_message_size=1 << 30
        )
        return cls(conn)

    async def commands(self) -> list[dict[str, Any]]:
        """The commands of the next frame ([] once the socket closed)."""
        message = await asyncio.wait_for(self.conn.read_message(), TIMEOUT)
        if message is None:
            self.closed = True
            return []
        decoded = json.loads(message)
        if isinstance(decoded, list):  # a pywebio_nb batch: acknowledged as the page does
            self.applied += 1
            if self._ack_timer is None and self.ACK_DELAY is not None:
                loop = asyncio.get_running_loop()
                self._ack_timer = loop.call_later(self.ACK_DELAY, self._acknowledge)
        return decoded if isinstance(decoded, list) else [decoded]

    def _acknowledge(self) -> None:
        self._ack_timer = None
        if not self.closed and self.conn.protocol is not None:
            event = {"event": "ack", "task_id": None, "data": {"seq": self.applied}}
            try:
                sent = self.conn.write_message(json.dumps(event))
            except tornado.websocket.WebSocketClosedError:  # the server closed first
                return
            sent.add_done_callback(lambda done: done.cancelled() or done.exception())

    async def until(self, predicate: Any) -> dict[str, Any]:
        """Read until a command satisfies ``predicate``; returns it."""
        while not self.closed:
            for command in await self.commands():
                if predicate(command):
                    return command
        raise RuntimeError("the server closed the session first")

    async def send(self, event: str, task_id: str, data: Any) -> None:
        await self.conn.write_message(
            json.dumps({"event": event, "task_id": task_id, "data": data})
        )

    def close(self) -> None:
        if self._ack_timer is not None:
            self._ack_timer.cancel()
        self.conn.close()


def _is_text(command: dict[str, Any], content: Any = None) -> bool:
    spec = command.get("spec")
    return (
        command.get("command") == "output"
        and isinstance(spec, dict)
        and spec.get("type") == "text"
        and (content is None or spec.get("content") == content)
    )


def _is_buttons(command: dict[str, Any]) -> bool:
    spec = command.get("spec")
    return command.get("command") == "output" and isinstance(spec, dict) and "callback_id" in spec


def _median_p90(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(s * 1000 for s in samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.9) - 1)]


# --------------------------------------------------------------- measures
async def throughput(port: int, app: str, count: int) -> tuple[float, float]:
    """(texts/s, ms from the connection's opening to the first text received)."""
    opened = time.perf_counter()
    client = await Client.open(port, app)
    start = time.perf_counter()
    texts = 0
    first_ms = 0.0
    while texts < count:
        batch = await client.commands()
        if not batch:
            raise RuntimeError(f"closed after {texts} of {count} texts")
        in_batch = sum(1 for c in batch if _is_text(c))
        if texts == 0 and in_batch:  # the first text, not the first frame (set_session_id)
            first_ms = (time.perf_counter() - opened) * 1000
        texts += in_batch
    seconds = time.perf_counter() - start
    client.close()
    return count / seconds, first_ms


async def input_round_trip(port: int, app: str, count: int) -> tuple[float, float]:
    client = await Client.open(port, app)
    samples: list[float] = []
    sent_at: float | None = None
    for _ in range(count):
        form = await client.until(lambda c: c.get("command") == "input_group")
        if sent_at is not None:
            samples.append(time.perf_counter() - sent_at)
        sent_at = time.perf_counter()
        await client.send("from_submit", form["task_id"], {"data": "x"})
    client.close()
    return _median_p90(samples)


async def callback_latency(port: int, app: str, clicks: int) -> tuple[float, float]:
    client = await Client.open(port, app)
    buttons = await client.until(_is_buttons)
    callback_id = buttons["spec"]["callback_id"]
    value = buttons["spec"]["buttons"][0]["value"]  # what the browser sends for the button
    samples: list[float] = []
    warmup = clicks // 10
    for index in range(warmup + clicks):
        start = time.perf_counter()
        await client.send("callback", callback_id, value)
        await client.until(_is_text)  # each click outputs one text; one click at a time
        if index >= warmup:
            samples.append(time.perf_counter() - start)
    client.close()
    return _median_p90(samples)


async def stats(port: int) -> dict[str, int]:
    client = await Client.open(port, "stats")
    command = await client.until(_is_text)
    client.close()
    result: dict[str, int] = json.loads(command["spec"]["content"])
    return result


async def settled_stats(port: int) -> dict[str, int]:
    """Stats once every closed session is gone (only the stats session lives)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        figures = await stats(port)
        if figures["sessions"] <= 1 or time.monotonic() > deadline:
            return figures
        await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def open_sessions(port: int, app: str, count: int) -> AsyncIterator[list[Client]]:
    """``count`` concurrent sessions of ``app``, each past its first output."""

    async def one() -> Client:
        client = await Client.open(port, app)
        await client.until(_is_buttons)
        return client

    clients: list[Client] = []
    try:
        for start in range(0, count, 50):
            clients += await asyncio.gather(*(one() for _ in range(min(50, count - start))))
        yield clients
    finally:
        for client in clients:
            client.close()


async def memory_per_session(port: int, app: str, count: int) -> float:
    """KiB of server RSS per concurrent session."""
    async with open_sessions(port, app, 20):  # warm up: imports, caches, pools
        pass
    before = await settled_stats(port)
    async with open_sessions(port, app, count):
        during = await stats(port)
    await settled_stats(port)
    return (during["rss_kib"] - before["rss_kib"]) / count


async def soak(port: int, app: str, count: int, rounds: int) -> list[dict[str, int]]:
    readings = [await settled_stats(port)]
    for _ in range(rounds):
        async with open_sessions(port, app, count):
            pass
        readings.append(await settled_stats(port))
    return readings


async def many_sessions(port: int, app: str, count: int) -> dict[str, float]:
    """``count`` concurrent sessions opened then closed: server peak RSS and CPU."""
    pid = _server_pids[port]
    await settled_stats(port)
    await until_idle(pid)
    start = cpu_seconds(pid)
    started = time.perf_counter()
    async with open_sessions(port, app, count):
        opened = time.perf_counter() - started
        rss = _proc_status(pid, "VmRSS")
    cpu = await until_idle(pid) - start
    return {
        "peak_rss_mb": _proc_status(pid, "VmHWM") / 1024,
        "open_rss_mb": rss / 1024,
        "cpu_s": cpu,
        "open_s": opened,
    }


async def page_weight(port: int) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = await browser.new_page()
            responses: list[Any] = []
            failed: list[str] = []
            page.on("response", lambda response: responses.append(response))
            page.on("requestfailed", lambda request: failed.append(request.url))
            await page.goto(f"http://127.0.0.1:{port}/?app=click")
            await page.get_by_text("ready", exact=True).wait_for(timeout=TIMEOUT * 1000)
            wire = gzipped = 0
            for response in responses:
                sizes = await response.request.sizes()
                wire += sizes["responseBodySize"]
                with contextlib.suppress(Exception):  # a redirect has no body
                    gzipped += len(gzip.compress(await response.body(), 6))
            return {
                "requests": len(responses) + len(failed),
                "failed": failed,
                "wire_kb": wire / 1000,
                "gzip_kb": gzipped / 1000,
            }
        finally:
            await browser.close()


async def measure(python: str, impl: str, options: Options) -> Results:
    results = Results(impl)
    figures = results.figures
    with serve(python, impl, options) as port:
        figures["rss_start_kib"] = (await settled_stats(port))["rss_kib"]
        for kind, suffix in (("thread", ""), ("coroutine", "_async")):
            print(f"  {impl}: {kind} app ...", flush=True)
            # One run to warm the server up (its first session of an app kind pays
            # for imports and first allocations), then the median of three.
            await throughput(port, "texts" + suffix, options.texts)
            runs = [await throughput(port, "texts" + suffix, options.texts) for _ in range(3)]
            figures[f"texts/s {kind}"] = statistics.median(rate for rate, _ in runs)
            figures[f"first text {kind}"] = statistics.median(first for _, first in runs)
            figures[f"input {kind}"] = await input_round_trip(
                port, "inputs" + suffix, options.inputs
            )
            figures[f"click {kind}"] = await callback_latency(
                port, "click" + suffix, options.clicks
            )
        if options.page:
            figures["page"] = await page_weight(port)
    # Memory on fresh servers: memory freed by earlier measures would be reused.
    for kind, suffix in (("thread", ""), ("coroutine", "_async")):
        with serve(python, impl, options) as port:
            print(f"  {impl}: memory, {kind} app ...", flush=True)
            figures[f"memory {kind}"] = await memory_per_session(
                port, "click" + suffix, options.sessions
            )
    # The soak gets a fresh server: its first round must not profit from the above.
    with serve(python, impl, options) as port:
        print(f"  {impl}: soak ...", flush=True)
        figures["soak"] = await soak(port, "click", options.sessions, options.rounds)
    if options.many:
        with serve(python, impl, options) as port:
            print(f"  {impl}: {options.many} coroutine sessions ...", flush=True)
            figures["many"] = await many_sessions(port, "click_async", options.many)
    return results


async def measure_floor(options: Options) -> Results:
    """The same client against a bare Tornado WebSocket (``_floor_server.py``).

    What the machine, the loopback, Tornado and this client take by themselves:
    a framework's figure minus this is the framework's own cost.
    """
    results = Results("floor")
    with serve(sys.executable, "floor", options, script=FLOOR_SCRIPT) as port:
        for kind, suffix in (("thread", ""), ("coroutine", "_async")):
            print(f"  floor: {kind} hand-off ...", flush=True)
            await throughput(port, "texts" + suffix, options.texts)
            runs = [await throughput(port, "texts" + suffix, options.texts) for _ in range(3)]
            results.figures[f"texts/s {kind}"] = statistics.median(rate for rate, _ in runs)
            results.figures[f"input {kind}"] = await input_round_trip(
                port, "inputs" + suffix, options.inputs
            )
            results.figures[f"click {kind}"] = await callback_latency(
                port, "click" + suffix, options.clicks
            )
    return results


# ------------------------------------------------------------------- report
def _ratio(ours: float, theirs: float, higher_is_better: bool) -> str:
    if ours <= 0 or theirs <= 0:
        return "-"
    return f"{(ours / theirs) if higher_is_better else (theirs / ours):.1f}x"


def table(ours: Results, theirs: Results, options: Options, floor: Results) -> str:
    a, b, f = ours.figures, theirs.figures, floor.figures
    rows: list[tuple[str, str, str, str]] = []
    floors: dict[str, str] = {}  # row label -> the bare Tornado figure
    for kind in ("thread", "coroutine"):
        key = f"texts/s {kind}"
        floors[f"output throughput, {kind} app (texts/s)"] = f"{f[key]:,.0f}"
        rows.append(
            (
                f"output throughput, {kind} app (texts/s)",
                f"{a[key]:,.0f}",
                f"{b[key]:,.0f}",
                _ratio(a[key], b[key], True),
            )
        )
    for kind in ("thread", "coroutine"):
        key = f"first text {kind}"
        rows.append(
            (
                f"first text seen while the {kind} app loops (ms)",
                f"{a[key]:.1f}",
                f"{b[key]:.1f}",
                _ratio(a[key], b[key], False),
            )
        )
    for label, prefix in (("input round trip", "input"), ("callback latency", "click")):
        for kind in ("thread", "coroutine"):
            (am, ap), (bm, bp) = a[f"{prefix} {kind}"], b[f"{prefix} {kind}"]
            fm, fp = f[f"{prefix} {kind}"]
            floors[f"{label}, {kind} app (median / p90 ms)"] = f"{fm:.3f} / {fp:.3f}"
            rows.append(
                (
                    f"{label}, {kind} app (median / p90 ms)",
                    f"{am:.3f} / {ap:.3f}",
                    f"{bm:.3f} / {bp:.3f}",
                    _ratio(am, bm, False),
                )
            )
    for kind in ("thread", "coroutine"):
        am, bm = a[f"memory {kind}"], b[f"memory {kind}"]
        rows.append(
            (
                f"memory per session, {kind} app, {options.sessions} open (KiB)",
                f"{am:.1f}",
                f"{bm:.1f}",
                _ratio(am, bm, False),
            )
        )
    if "page" in a and "page" in b:
        ap_, bp_ = a["page"], b["page"]
        rows.append(
            (
                "page first load in Chromium: requests",
                str(ap_["requests"]),
                str(bp_["requests"]),
                _ratio(ap_["requests"], bp_["requests"], False),
            )
        )
        for unit, key in (("on the wire", "wire_kb"), ("gzip-compressed", "gzip_kb")):
            rows.append(
                (
                    f"page first load: KB {unit}",
                    f"{ap_[key]:,.0f}",
                    f"{bp_[key]:,.0f}",
                    _ratio(ap_[key], bp_[key], False),
                )
            )
    if "many" in a and "many" in b:
        for label, key, fmt in (
            ("peak RSS (MB)", "peak_rss_mb", "{:,.0f}"),
            ("server CPU (s)", "cpu_s", "{:.1f}"),
        ):
            rows.append(
                (
                    f"{options.many:,} concurrent coroutine sessions: {label}",
                    fmt.format(a["many"][key]),
                    fmt.format(b["many"][key]),
                    _ratio(a["many"][key], b["many"][key], False),
                )
            )
    growth_a, growth_b = soak_growth(a["soak"]), soak_growth(b["soak"])
    rows.append(
        (
            f"soak: RSS after round {options.rounds} vs round 1",
            f"{growth_a:+.1f} %",
            f"{growth_b:+.1f} %",
            "",
        )
    )
    for impl in (ours, theirs):
        soak_mb = " -> ".join(f"{r['rss_kib'] / 1024:.1f}" for r in impl.figures["soak"])
        rows.append((f"soak RSS MB ({impl.name}; start, then after each round)", soak_mb, "", ""))
    full = [(*row, floors.get(row[0], "")) for row in rows]
    header = ("measure", "pywebio_nb", "PyWebIO 1.8.4", "pywebio_nb ahead", "bare Tornado floor")
    widths = [max(len(row[i]) for row in [*full, header]) for i in range(5)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in full
    ]
    for impl in (ours, theirs):
        page = impl.figures.get("page")
        if page and page["failed"]:
            lines.append(f"({impl.name}: failed requests {page['failed']})")
    return "\n".join(lines)


def soak_growth(readings: list[dict[str, int]]) -> float:
    """RSS after the last soak round against after round 1, in percent."""
    first, last = readings[1 if len(readings) > 1 else 0]["rss_kib"], readings[-1]["rss_kib"]
    return (last - first) / first * 100


def _k(value: float) -> str:
    return f"{value / 1000:.1f}k" if value >= 1000 else f"{value:.0f}"


def readme_table(ours: Results, theirs: Results, options: Options, floor: Results) -> str:
    """The README's table: one row per figure, thread / coroutine app side by side."""
    a, b, f = ours.figures, theirs.figures, floor.figures
    kinds = ("thread", "coroutine")

    def pair(figures: dict[str, Any], key: str, fmt: Any) -> str:
        return " / ".join(fmt(figures[f"{key} {kind}"]) for kind in kinds)

    def ratios(key: str, higher: bool, pick: Any = lambda v: v) -> str:
        return " / ".join(
            _ratio(pick(a[f"{key} {k}"]), pick(b[f"{key} {k}"]), higher) for k in kinds
        )

    median = lambda v: v[0]  # noqa: E731 - (median, p90) pairs
    rows = [
        (
            f"`put_text` throughput, {options.texts:,} in a loop (texts/s)",
            pair(b, "texts/s", _k),
            pair(a, "texts/s", _k),
            ratios("texts/s", True),
            pair(f, "texts/s", _k),
        ),
        (
            "first text seen while the app loops (ms)",
            pair(b, "first text", lambda v: f"{v:.0f}"),
            pair(a, "first text", lambda v: f"{v:.0f}"),
            ratios("first text", False),
            "",
        ),
        (
            "`input()` round trip, median (ms)",
            pair(b, "input", lambda v: f"{v[0]:.2f}"),
            pair(a, "input", lambda v: f"{v[0]:.2f}"),
            ratios("input", False, median),
            pair(f, "input", lambda v: f"{v[0]:.2f}"),
        ),
        (
            "button click -> its output, median (ms)",
            pair(b, "click", lambda v: f"{v[0]:.2f}"),
            pair(a, "click", lambda v: f"{v[0]:.2f}"),
            ratios("click", False, median),
            pair(f, "click", lambda v: f"{v[0]:.2f}"),
        ),
        (
            f"RSS per session, {options.sessions:,} concurrent (KiB)",
            pair(b, "memory", lambda v: f"{v:.0f}"),
            pair(a, "memory", lambda v: f"{v:.0f}"),
            ratios("memory", False),
            "",
        ),
    ]
    if "many" in a and "many" in b:
        am, bm = a["many"], b["many"]
        rows.append(
            (
                f"{options.many:,} concurrent async sessions: peak RSS, server CPU",
                f"{bm['peak_rss_mb']:,.0f} MB, {bm['cpu_s']:.1f} s",
                f"{am['peak_rss_mb']:,.0f} MB, {am['cpu_s']:.1f} s",
                _ratio(am["peak_rss_mb"], bm["peak_rss_mb"], False)
                + " / "
                + _ratio(am["cpu_s"], bm["cpu_s"], False),
                "",
            )
        )
    rows.append(
        (
            f"soak: RSS after {options.rounds} rounds of {options.sessions:,} sessions vs round 1",
            f"{soak_growth(b['soak']):+.0f} %",
            f"{soak_growth(a['soak']):+.0f} %",
            "",
            "",
        )
    )
    if "page" in a and "page" in b:
        rows.append(
            (
                "page first load: requests, KB on the wire",
                f"{b['page']['requests']}, {b['page']['wire_kb']:,.0f}",
                f"{a['page']['requests']}, {a['page']['wire_kb']:,.0f}",
                _ratio(a["page"]["wire_kb"], b["page"]["wire_kb"], False),
                "",
            )
        )
    lines = [
        "| figure (thread / async app) | PyWebIO 1.8.4 | pywebio_nb | pywebio_nb ahead "
        "| bare Tornado floor |",
        "|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} x {model}, Python {sys.version.split()[0]}"


def _median_figure(name: str, values: list[Any]) -> Any:
    """One figure of several runs: the median of numbers, element by element, key by key."""
    first = values[0]

    def numeric(value: Any) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    if numeric(first):
        return statistics.median(values)
    if isinstance(first, (list, tuple)) and first and all(numeric(v) for v in first):
        return [statistics.median(run[i] for run in values) for i in range(len(first))]
    if isinstance(first, dict) and all(numeric(v) for v in first.values()):
        return {key: statistics.median(run[key] for run in values) for key in first}
    if name == "soak":  # the readings of the run whose growth is the median one
        by_growth = sorted(values, key=soak_growth)
        return by_growth[len(by_growth) // 2]
    return first


def median_results(runs: list[Results]) -> Results:
    """The figures of ``runs`` (one implementation measured several times), each its median."""
    merged = Results(runs[0].name)
    for name in runs[0].figures:
        merged.figures[name] = _median_figure(name, [run.figures[name] for run in runs])
    return merged


async def main(options: Options, pywebio_python: str, only: str | None, repeat: int = 1) -> None:
    impls = [
        (impl, python)
        for impl, python in (("pywebio_nb", sys.executable), ("pywebio", pywebio_python))
        if only in (None, impl)
    ]
    measured: dict[str, list[Results]] = {}
    for round_index in range(repeat):
        # Alternately (ours, theirs, floor, then floor, theirs, ours, ...): on a
        # machine whose speed drifts, each gets its share of the fast and slow minutes.
        order = [*impls, ("floor", "")]
        for impl, python in order if round_index % 2 == 0 else reversed(order):
            if repeat > 1:
                print(f"round {round_index + 1} of {repeat}: {impl}", flush=True)
            result = await (
                measure_floor(options) if impl == "floor" else measure(python, impl, options)
            )
            measured.setdefault(impl, []).append(result)
    merged = {impl: median_results(results) for impl, results in measured.items()}
    floor = merged.pop("floor")
    runs = merged
    runs_and_floor = {**runs, "floor": floor}
    for name, result in runs_and_floor.items():
        print(f"\n{name}: {json.dumps(result.figures)}")
    if len(runs) == 2:
        print()
        print(table(runs["pywebio_nb"], runs["pywebio"], options, floor))
        print(
            f"\n({options.texts} texts, {options.inputs} inputs, {options.clicks} clicks, "
            f"{options.sessions} sessions x {options.rounds} soak rounds; "
            + (f"median of {repeat} alternating runs; " if repeat > 1 else "")
            + f"loopback; {_machine()}; {time.strftime('%Y-%m-%d', time.gmtime())})"
        )
        print(
            "\nREADME table:\n" + readme_table(runs["pywebio_nb"], runs["pywebio"], options, floor)
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pywebio-python", default=str(ROOT / ".venv-bench" / "bin" / "python"))
    parser.add_argument("--only", choices=["pywebio_nb", "pywebio"])
    parser.add_argument("--texts", type=int, default=Options.texts)
    parser.add_argument("--inputs", type=int, default=Options.inputs)
    parser.add_argument("--clicks", type=int, default=Options.clicks)
    parser.add_argument("--sessions", type=int, default=Options.sessions)
    parser.add_argument("--rounds", type=int, default=Options.rounds)
    parser.add_argument("--no-page", action="store_true", help="skip the Chromium page load")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="measure each implementation and the floor this many times, alternately; "
        "report each figure's median (for a machine whose speed drifts)",
    )
    parser.add_argument(
        "--many", type=int, default=Options.many, help="concurrent async sessions (0: skip)"
    )
    args = parser.parse_args()
    opts = Options(
        args.texts,
        args.inputs,
        args.clicks,
        args.sessions,
        args.rounds,
        not args.no_page,
        args.many,
    )
    asyncio.run(main(opts, args.pywebio_python, args.only, max(1, args.repeat)))
