"""Server memory only: per-session RSS, 10,000 sessions, and what a session holds.

The memory figures of ``bench_compare.py`` (same server script, same client,
same measures), repeated on fresh servers so a change can be judged A/B by
medians, plus a breakdown of what one connection and its session allocate:

* ``per-session``: RSS per concurrent session of the click app (thread and
  coroutine), ``--sessions`` open at once;
* ``many``: ``--many`` concurrent coroutine sessions opened then closed: peak
  RSS (``VmHWM``), RSS while all are open (``VmRSS``), server CPU seconds;
* ``breakdown``: a server with ``tracemalloc`` on; a snapshot after a warm-up,
  another with ``--sessions`` coroutine sessions open; the difference per
  session, grouped by the allocating line (``--frames`` deep) and by the
  innermost frame that is not the standard library's; plus glibc's ``mallinfo2``
  (bytes in use vs. held in free lists), so Python's objects can be told from
  allocator overhead.

Run: ``.venv/bin/python bench/bench_memory.py [per-session] [many] [breakdown]
[--repeat 3] [--python PY --impl pywebio]`` (PyWebIO 1.8.4 from the bench venv:
``--python .venv-bench/bin/python --impl pywebio``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import json
import os
import statistics
import subprocess
import sys
import tempfile
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_compare as bc  # noqa: E402 - next to this file, not a package

ROOT = HERE.parent
MEASURES = "per-session, many, breakdown, floor"
#: The web framework of the servers measured (``--backend``).
BACKEND = "tornado"


# ------------------------------------------------------------------ server side
class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def mallinfo() -> dict[str, int]:
    """glibc's heap figures: ``arena`` (obtained by sbrk), ``uordblks`` (in use),
    ``fordblks`` (free in the heap), ``hblkhd`` (mmapped blocks); {} off glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        func = libc.mallinfo2
    except (OSError, AttributeError):
        return {}
    func.restype = _MallInfo2
    info = func()
    return {field[0]: getattr(info, field[0]) for field in _MallInfo2._fields_}


def serve_bare(args: argparse.Namespace) -> None:
    """A WebSocket server that does nothing but keep its connections (``floor``).

    ``--bare tornado``: a ``WebSocketHandler`` with no methods of its own;
    ``aiohttp``: a handler that awaits ``ws.receive()`` until the socket closes;
    ``asyncio``: an ``asyncio.Protocol`` that answers the handshake with a canned
    101 and keeps the connection (the least any Python server holds for one);
    ``handoff``: Tornado answers the handshake, then hands the socket to such a
    protocol, which keeps the request (what ``info.request`` needs).
    GET ``/rss`` answers this process's RSS in KiB after a full gc.
    """
    import gc

    import _compare_server
    from _handoff_server import accept_value, hand_off

    def rss_text() -> str:
        gc.collect()
        return str(_compare_server.rss_kib())

    if args.bare in ("tornado", "handoff"):
        import tornado.ioloop
        import tornado.web
        import tornado.websocket

        class Rss(tornado.web.RequestHandler):
            def get(self) -> None:
                self.finish(rss_text())

        class Bare(tornado.websocket.WebSocketHandler):
            pass

        class Kept(asyncio.Protocol):
            __slots__ = ("request", "transport")

            def __init__(self, request: Any) -> None:
                self.request = request

            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                self.transport = transport

        class Handoff(tornado.web.RequestHandler):
            """Tornado's handshake, then the socket to an asyncio.Protocol keeping the request."""

            async def get(self) -> None:
                request = self.request
                sock = await hand_off(self)
                loop = asyncio.get_running_loop()
                await loop.connect_accepted_socket(lambda: Kept(request), sock)

        async def run_tornado() -> None:
            handler = Bare if args.bare == "tornado" else Handoff
            app = tornado.web.Application([("/rss", Rss), ("/", handler)])
            app.listen(args.port, "127.0.0.1")
            await asyncio.Event().wait()

        asyncio.run(run_tornado())
    elif args.bare == "aiohttp":
        from aiohttp import web

        async def rss(request: web.Request) -> web.Response:
            return web.Response(text=rss_text())

        async def bare(request: web.Request) -> web.WebSocketResponse:
            ws = web.WebSocketResponse()
            await ws.prepare(request)
            async for _ in ws:
                pass
            return ws

        app = web.Application()
        app.add_routes([web.get("/rss", rss), web.get("/", bare)])
        web.run_app(app, host="127.0.0.1", port=args.port, print=None)
    else:

        class Keep(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                self.transport = transport

            def data_received(self, data: bytes) -> None:
                assert isinstance(self.transport, asyncio.Transport)
                if data.startswith(b"GET /rss"):
                    body = rss_text().encode()
                    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n"
                    self.transport.write(head.encode() + body)
                elif data.startswith(b"GET"):
                    key = next(
                        line.split(b":", 1)[1].strip()
                        for line in data.split(b"\r\n")
                        if line.lower().startswith(b"sec-websocket-key:")
                    )
                    accept = accept_value(key)
                    self.transport.write(
                        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
                    )

        async def run_asyncio() -> None:
            loop = asyncio.get_running_loop()
            await loop.create_server(Keep, "127.0.0.1", args.port)
            await asyncio.Event().wait()

        asyncio.run(run_asyncio())


def serve_main(args: argparse.Namespace) -> None:
    """The server: ``_compare_server``'s apps plus ``snap`` (dump a tracemalloc snapshot)."""
    import gc
    import importlib

    import _compare_server

    apps = _compare_server.make_apps(args.impl, 10, 10)
    output = importlib.import_module(f"{args.impl}.output")
    counter = iter(range(1_000_000))

    def snap() -> None:
        gc.collect()
        figures: dict[str, Any] = {"rss_kib": _compare_server.rss_kib(), "malloc": mallinfo()}
        if tracemalloc.is_tracing():
            path = os.path.join(args.snapshots, f"snap-{next(counter)}.pickle")
            tracemalloc.take_snapshot().dump(path)
            figures["path"] = path
        output.put_text(json.dumps(figures))

    apps["snap"] = snap
    if args.backend == "handoff":  # the measuring prototype, see _handoff_server
        import _handoff_server

        _handoff_server.start_server(apps, port=args.port)
        return
    platform = importlib.import_module(f"{args.impl}.platform.{args.backend}")
    platform.start_server(apps, port=args.port, host="127.0.0.1", cdn=False)


@contextlib.contextmanager
def serve(
    python: str, impl: str, *, frames: int = 0, snapshots: str = "", bare: str = ""
) -> Iterator[int]:
    """A server subprocess running :func:`serve_main` (tracemalloc on when ``frames``)."""
    port = bc._free_port()
    command = [python, str(Path(__file__)), "--serve", "--impl", impl, "--port", str(port)]
    command += ["--snapshots", snapshots, "--backend", BACKEND]
    if bare:
        command += ["--bare", bare]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(HERE)]))
    if frames:
        env["PYTHONTRACEMALLOC"] = str(frames)
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        bc.wait_listening(process, port, impl, bc.TIMEOUT)
        bc._server_pids[port] = process.pid
        yield port
    finally:
        bc._server_pids.pop(port, None)
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ------------------------------------------------------------------ client side
async def _snap(port: int) -> dict[str, Any]:
    client = await bc.Client.open(port, "snap")
    command = await client.until(bc._is_text)
    client.close()
    result: dict[str, Any] = json.loads(command["spec"]["content"])
    return result


def _kib(value: float) -> str:
    return f"{value / 1024:.2f}"


def _std_lib(filename: str) -> bool:
    return "site-packages" not in filename and "/pywebio" not in filename


def report_diff(before: str, after: str, count: int, frames: int, top: int) -> None:
    old = tracemalloc.Snapshot.load(before)
    new = tracemalloc.Snapshot.load(after)
    ignore = [tracemalloc.Filter(False, tracemalloc.__file__)]
    old, new = old.filter_traces(ignore), new.filter_traces(ignore)
    total = sum(s.size_diff for s in new.compare_to(old, "filename"))
    print(f"\ntracemalloc: {total / count:.0f} B per session ({count} sessions)")
    print(f"\nby line (innermost {frames} frames), bytes and blocks per session:")
    for stat in new.compare_to(old, "traceback")[:top]:
        if stat.size_diff <= 0:
            continue
        lines = [f"{fr.filename.split('/site-packages/')[-1]}:{fr.lineno}" for fr in stat.traceback]
        print(
            f"  {stat.size_diff / count:7.0f} B {stat.count_diff / count:5.1f}  "
            + " <- ".join(lines[-1 : -min(frames, 4) - 1 : -1])
        )
    # Group by the innermost frame outside the standard library: who asked for it.
    owners: dict[tuple[str, int], list[int]] = {}
    for stat in new.compare_to(old, "traceback"):
        frame = next(
            (fr for fr in reversed(stat.traceback) if not _std_lib(fr.filename)),
            stat.traceback[-1],
        )
        entry = owners.setdefault((frame.filename, frame.lineno), [0, 0])
        entry[0] += stat.size_diff
        entry[1] += stat.count_diff
    packages: dict[str, int] = {}
    for (filename, _), (size, _) in owners.items():
        if "/pywebio_nb/" in filename:
            package = "pywebio_nb/" + filename.split("/pywebio_nb/")[-1]
        elif "site-packages/" in filename:
            package = filename.split("site-packages/")[1].split("/")[0]
        elif "/bench/" in filename:
            package = "the bench app"
        else:
            package = "stdlib only"
        packages[package] = packages.get(package, 0) + size
    print("\nby package (pywebio_nb by module), bytes per session:")
    for package, size in sorted(packages.items(), key=lambda kv: -kv[1]):
        if size > 0:
            print(f"  {size / count:7.0f} B  {package}")
    print("\nby the innermost non-stdlib frame, bytes and blocks per session:")
    for (filename, lineno), (size, blocks) in sorted(owners.items(), key=lambda kv: -kv[1][0])[
        :top
    ]:
        if size > 0:
            where = f"{filename.split('site-packages/')[-1]}:{lineno}"
            print(f"  {size / count:7.0f} B {blocks / count:5.1f}  {where}")


async def breakdown(python: str, impl: str, app: str, count: int, frames: int, top: int) -> None:
    with (
        tempfile.TemporaryDirectory() as snapshots,
        serve(python, impl, frames=frames, snapshots=snapshots) as port,
    ):
        async with bc.open_sessions(port, app, 20):
            pass
        await bc.settled_stats(port)
        before = await _snap(port)
        async with bc.open_sessions(port, app, count):
            after = await _snap(port)
        print(f"\n{impl} {app}, {count} sessions open:")
        print(f"  RSS {(after['rss_kib'] - before['rss_kib']) / count:.2f} KiB per session")
        for key in ("uordblks", "fordblks", "arena", "hblkhd"):
            diff = after["malloc"].get(key, 0) - before["malloc"].get(key, 0)
            print(f"  malloc {key}: {_kib(diff / count)} KiB per session")
        if frames:
            report_diff(before["path"], after["path"], count, frames, top)


async def per_session(python: str, impl: str, app: str, count: int) -> float:
    with serve(python, impl) as port:
        return await bc.memory_per_session(port, app, count)


async def floor(python: str, bare: str, count: int) -> float:
    """KiB of RSS per open WebSocket of a server that does nothing else."""
    import tornado.httpclient
    import tornado.websocket

    with serve(python, "pywebio_nb", bare=bare) as port:
        http = tornado.httpclient.AsyncHTTPClient()

        async def rss() -> int:
            response = await http.fetch(f"http://127.0.0.1:{port}/rss")
            return int(response.body)

        async def one() -> Any:
            return await tornado.websocket.websocket_connect(f"ws://127.0.0.1:{port}/")

        for _ in range(20):  # warm up
            (await one()).close()
        await asyncio.sleep(0.2)
        before = await rss()
        conns: list[Any] = []
        for start in range(0, count, 50):
            conns += await asyncio.gather(*(one() for _ in range(min(50, count - start))))
        during = await rss()
        for conn in conns:
            conn.close()
        return (during - before) / count


async def many(python: str, impl: str, count: int) -> dict[str, float]:
    with serve(python, impl) as port:
        return await bc.many_sessions(port, "click_async", count)


#: What Chromium sends with a WebSocket handshake besides Host, Upgrade, Connection
#: and the Sec-WebSocket key and version (``--headers browser``).
CHROMIUM_HEADERS = {
    "Pragma": "no-cache",
    "Cache-Control": "no-cache",
    "User-Agent": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36"
    ),
    "Accept-Encoding": "gzip, deflate, br",
    "Accept-Language": "en-US,en;q=0.9",
    "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits",
}


def send_browser_headers() -> None:
    """Make the bench client's handshakes carry Chromium's headers (and Origin)."""
    import tornado.httpclient
    import tornado.websocket

    async def open_like_a_browser(cls: type[bc.Client], port: int, app: str) -> bc.Client:
        request = tornado.httpclient.HTTPRequest(
            f"ws://127.0.0.1:{port}/?app={app}&session=NEW",
            headers=dict(CHROMIUM_HEADERS, Origin=f"http://127.0.0.1:{port}"),
        )
        conn = await tornado.websocket.websocket_connect(request, max_message_size=1 << 30)
        return cls(conn)

    bc.Client.open = classmethod(open_like_a_browser)  # type: ignore[method-assign, assignment]


def never_acknowledge() -> None:
    """Make the bench sessions never acknowledge their batches (``--no-ack``).

    ``bench_compare``'s client acknowledges as the page does (100 ms after a
    batch); without acks a session keeps every batch for a reconnect (its
    replay log), as when a page's acks are lost.
    """
    bc.Client.ACK_DELAY = None


async def main(args: argparse.Namespace) -> None:
    if args.headers == "browser":
        send_browser_headers()
    if args.no_ack:
        never_acknowledge()
    what = args.what or ["per-session", "many"]
    if "per-session" in what:
        for kind, app in (("thread", "click"), ("coroutine", "click_async")):
            if args.kind not in ("both", kind):
                continue
            runs = [await per_session(args.python, args.impl, app, args.sessions)]
            while len(runs) < args.repeat:
                runs.append(await per_session(args.python, args.impl, app, args.sessions))
            shown = " ".join(f"{r:.1f}" for r in runs)
            print(f"RSS per session, {kind}: median {statistics.median(runs):.1f} KiB ({shown})")
    if "many" in what:
        results = [await many(args.python, args.impl, args.many) for _ in range(args.repeat)]
        for key in ("peak_rss_mb", "open_rss_mb", "cpu_s", "open_s"):
            values = [r[key] for r in results]
            shown = " ".join(f"{v:.1f}" for v in values)
            print(f"{args.many} sessions {key}: median {statistics.median(values):.1f} ({shown})")
    if "floor" in what:
        for bare in ("tornado", "aiohttp", "asyncio", "handoff"):
            runs = [await floor(args.python, bare, args.sessions) for _ in range(args.repeat)]
            shown = " ".join(f"{r:.1f}" for r in runs)
            print(f"bare {bare} WebSocket: median {statistics.median(runs):.1f} KiB ({shown})")
    if "breakdown" in what:
        await breakdown(args.python, args.impl, args.app, args.sessions, args.frames, args.top)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="*", help=f"{MEASURES} (default: the first two)")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--impl", default="pywebio_nb", choices=["pywebio_nb", "pywebio"])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--kind", default="both", choices=["both", "thread", "coroutine"])
    parser.add_argument(
        "--headers",
        default="bench",
        choices=["bench", "browser"],
        help="the client's handshake headers: bench_compare's (few) or Chromium's",
    )
    parser.add_argument("--many", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--app", default="click_async", help="the breakdown's app")
    parser.add_argument(
        "--frames", type=int, default=8, help="tracemalloc traceback depth (0: tracemalloc off)"
    )
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--backend",
        default="tornado",
        choices=["tornado", "aiohttp", "handoff"],
        help="the server's web framework (start_server of pywebio_nb.platform.<backend>); "
        "handoff: the measuring prototype of _handoff_server.py",
    )
    parser.add_argument(
        "--no-ack",
        action="store_true",
        help="sessions never acknowledge their batches (by default: as the page does)",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--bare", default="", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--snapshots", default="", help=argparse.SUPPRESS)
    cli = parser.parse_args()
    unknown = set(cli.what) - {"per-session", "many", "breakdown", "floor"}
    if unknown:
        parser.error(f"unknown measure(s) {sorted(unknown)}; expected {MEASURES}")
    BACKEND = cli.backend
    if cli.serve and cli.bare:
        serve_bare(cli)
    elif cli.serve:
        serve_main(cli)
    else:
        asyncio.run(main(cli))
