"""Hop-by-hop timestamps of a JupyterLab round trip, on ONE clock (``--trace``).

Used by ``bench_jupyterlab_latency.py --trace``. Every process on the machine
stamps with ``CLOCK_MONOTONIC``: Python's ``time.monotonic()`` (Jupyter server,
kernel) and Chromium's ``base::TimeTicks`` (the DevTools protocol's
``Network.webSocketFrame*`` timestamps). The page's ``performance.now()`` is
moved onto that clock with the smallest (CDP sent - page ``send()``) difference
over the frames the page sent (send() itself is a few microseconds).

Measurement only, never shipped:

- ``SERVER_PATCH`` goes into the bench's own ``jupyter_server_config.py``: it
  wraps jupyter_server's ``ZMQChannelsWebsocketConnection`` so every message
  it forwards writes one line (WebSocket in -> ZMQ sent; ZMQ in -> WebSocket
  written) to the file ``PYWEBIO_NB_BENCH_TRACE`` names;
- ``KERNEL_PATCH`` is a notebook cell: it stamps the shell channel thread's
  receive, the main thread's receive (the event pump), each IOPub message when
  the kernel schedules it and when the IOPub thread really sends it;
- ``CDP`` frames come from a DevTools session on the page.

Messages are matched by ``msg_id`` (the kernel's messages by their own id, the
page's by the id it gave).
"""

from __future__ import annotations

import base64
import json
import statistics
import struct
from collections import defaultdict
from typing import Any

__all__ = ["CDP", "KERNEL_PATCH", "SERVER_PATCH", "Trace"]

SERVER_PATCH = r"""
# --- bench trace (measurement only): stamps of jupyter_server's kernel WebSocket bridge
import json as _json, os as _os, time as _time
from jupyter_server.services.kernels.connection import channels as _channels

_trace_file = open(_os.environ["PYWEBIO_NB_BENCH_TRACE"], "a", buffering=1)
_Conn = _channels.ZMQChannelsWebsocketConnection
_orig_in, _orig_out = _Conn.handle_incoming_message, _Conn.handle_outgoing_message


def _header_of(parts):
    try:
        return _json.loads(bytes(parts[0]))
    except Exception:
        return {}


def _traced_in(self, ws_message):
    t0 = _time.monotonic()
    _orig_in(self, ws_message)
    t1 = _time.monotonic()
    try:
        channel, parts = _channels.deserialize_msg_from_ws_v1(ws_message)
        h = _header_of(parts)
        _trace_file.write(_json.dumps(["server_ws_in", t0, t1, channel, h.get("msg_type"),
                                       h.get("msg_id")]) + "\n")
    except Exception:
        pass


def _traced_out(self, stream, outgoing_msg):
    t0 = _time.monotonic()
    _orig_out(self, stream, outgoing_msg)
    t1 = _time.monotonic()
    try:
        _, parts = self.session.feed_identities(outgoing_msg)
        h = _header_of(parts[1:])
        channel = getattr(stream, "channel", None) if not isinstance(stream, str) else stream
        _trace_file.write(_json.dumps(["server_zmq_in", t0, t1, channel, h.get("msg_type"),
                                       h.get("msg_id")]) + "\n")
    except Exception:
        pass


_Conn.handle_incoming_message = _traced_in
_Conn.handle_outgoing_message = _traced_out
"""

KERNEL_PATCH = r"""
import json as _json, threading as _threading, time as _time
from ipykernel.iostream import IOPubThread as _IOPubThread
from pywebio_nb.jupyter._kernel_session import kernel_session as _kernel_session
_K = get_ipython().kernel
ktrace = []

def _hdr(frames):
    frames = [bytes(f.bytes if hasattr(f, 'bytes') else f) for f in frames]
    i = frames.index(b'<IDS|MSG>')
    h = _json.loads(frames[i + 2])
    return h.get('msg_type'), h.get('msg_id')

def _tr(what, frames):
    t = _time.monotonic()
    try:
        ktrace.append((what, t, *_hdr(frames), _threading.current_thread().name))
    except Exception:
        pass

_orig_sched = _IOPubThread.send_multipart
def _sched(self, msg, *a, **k):
    _tr('kernel_iopub_sched', msg)
    return _orig_sched(self, msg, *a, **k)
_IOPubThread.send_multipart = _sched
_orig_really = _IOPubThread._really_send
def _really(self, msg, *a, **k):
    _orig_really(self, msg, *a, **k)
    _tr('kernel_iopub_sent', msg)
_IOPubThread._really_send = _really
_orig_shell_cb = _K.shell_stream._recv_callback
def _shell_cb(msg):
    _tr('kernel_shell_thread_in', msg)
    return _orig_shell_cb(msg)
_K.shell_stream._recv_callback = _shell_cb
_pump = _kernel_session(create=True).pump
_orig_handle = _pump._handle
def _handle(raw, in_cell):
    _tr('kernel_main_in', raw)
    return _orig_handle(raw, in_cell)
_pump._handle = _handle
print('traced')
"""

# kernel -> page frames, decoded from the DevTools protocol's payload
CDP = ("Network.webSocketFrameSent", "Network.webSocketFrameReceived")


def _decode_v1(payload: bytes) -> tuple[str, str, str]:
    """(channel, msg_type, msg_id) of a v1.kernel.websocket.jupyter.org frame."""
    try:
        n = struct.unpack_from("<Q", payload, 0)[0]
        offsets = struct.unpack_from(f"<{n}Q", payload, 8)
        channel = payload[offsets[0] : offsets[1]].decode()
        header = json.loads(payload[offsets[1] : offsets[2]])
        return channel, str(header.get("msg_type", "")), str(header.get("msg_id", ""))
    except Exception:
        return "", "", ""


def cdp_frame(direction: str, params: dict[str, Any]) -> tuple[float, str, str, str, str]:
    """(monotonic ms, 'out'|'in', channel, msg_type, msg_id) of a CDP frame event."""
    response = params.get("response", {})
    data = response.get("payloadData", "")
    payload = base64.b64decode(data) if response.get("opcode") == 2 else data.encode()
    return (params["timestamp"] * 1000.0, direction, *_decode_v1(payload))


# The hops in path order; each row of the report is one message.
HOPS_OUT = [
    "page_send",
    "cdp_sent",
    "server_ws_in",
    "server_zmq_sent",
    "kernel_shell_thread_in",
    "kernel_main_in",
]
HOPS_IN = [
    "kernel_iopub_sched",
    "kernel_iopub_sent",
    "server_zmq_in",
    "server_ws_written",
    "cdp_received",
    "page_onmessage",
]


class Trace:
    """All stamps of one run, by msg_id, in monotonic milliseconds."""

    def __init__(self) -> None:
        self.by_id: dict[str, dict[str, float]] = defaultdict(dict)
        self.kind: dict[str, str] = {}
        self.offset = 0.0  # page performance.now() + offset = monotonic ms

    def add(self, msg_id: str, hop: str, t_ms: float, kind: str = "") -> None:
        if msg_id and hop not in self.by_id[msg_id]:  # first stamp of a hop wins
            self.by_id[msg_id][hop] = t_ms
            if kind:
                self.kind.setdefault(msg_id, kind)

    def add_server_lines(self, lines: list[str]) -> None:
        for line in lines:
            what, t0, t1, _channel, msg_type, msg_id = json.loads(line)
            if what == "server_ws_in":
                self.add(msg_id, "server_ws_in", t0 * 1000, msg_type)
                self.add(msg_id, "server_zmq_sent", t1 * 1000, msg_type)
            else:
                self.add(msg_id, "server_zmq_in", t0 * 1000, msg_type)
                self.add(msg_id, "server_ws_written", t1 * 1000, msg_type)

    def add_kernel(self, stamps: list[list[Any]]) -> None:
        for what, t, msg_type, msg_id, _thread in stamps:
            self.add(msg_id, what, t * 1000, msg_type)

    def add_cdp(self, frames: list[tuple[float, str, str, str, str]]) -> None:
        for t, direction, _channel, msg_type, msg_id in frames:
            self.add(msg_id, "cdp_sent" if direction == "out" else "cdp_received", t, msg_type)

    def calibrate(self, page_frames: list[list[Any]]) -> None:
        """Set the page clock's offset from the frames the page sent (seen by CDP too)."""
        diffs = []
        for t, direction, _size, _channel, _msg_type, msg_id in page_frames:
            cdp = self.by_id.get(msg_id, {}).get("cdp_sent")
            if direction == "out" and cdp is not None:
                diffs.append(cdp - t)
        if diffs:
            self.offset = min(diffs)

    def add_page(self, page_frames: list[list[Any]]) -> None:
        for t, direction, _size, _channel, msg_type, msg_id in page_frames:
            hop = "page_send" if direction == "out" else "page_onmessage"
            self.add(msg_id, hop, t + self.offset, msg_type)

    def round_rows(self, start: float, end: float) -> list[tuple[str, str, dict[str, float]]]:
        """The messages with a stamp in [start, end] ms, each (msg_id, kind, hops)."""
        rows = []
        for msg_id, hops in self.by_id.items():
            first = min(hops.values())
            if start - 1 <= first <= end:
                rows.append((msg_id, self.kind.get(msg_id, ""), hops))
        rows.sort(key=lambda r: min(r[2].values()))
        return rows


def format_round(t0: float, rows: list[tuple[str, str, dict[str, float]]]) -> list[str]:
    """One line per message: each hop's time after the click (ms)."""
    out = []
    for _msg_id, kind, hops in rows:
        order = HOPS_OUT if "page_send" in hops or "cdp_sent" in hops else HOPS_IN
        shown = " ".join(f"{h.split('_', 1)[1]}={hops[h] - t0:5.1f}" for h in order if h in hops)
        out.append(f"      {kind:12} {shown}")
    return out


Row = tuple[str, str, dict[str, float]]


def recorder(frames: list[Any], direction: str) -> Any:
    """A CDP event handler appending ``cdp_frame(direction, params)`` to ``frames``."""
    return lambda params: frames.append(cdp_frame(direction, params))


def hop_medians(rounds: list[tuple[float, float, list[Row]]]) -> dict[str, Any]:
    """Median per hop over rounds: the click's message, the first status, the output."""
    acc: dict[str, list[float]] = defaultdict(list)
    for t0, t1, rows in rounds:
        outgoing = [r for r in rows if "cdp_sent" in r[2] and r[1] == "comm_msg"]
        incoming = [r for r in rows if "kernel_iopub_sched" in r[2]]
        if outgoing:
            for hop, t in outgoing[-1][2].items():  # the last one sent is the click's
                acc[f"out {hop}"].append(t - t0)
        status = [r for r in incoming if r[1] == "status"]
        if status:
            for hop, t in status[0][2].items():
                acc[f"first status {hop}"].append(t - t0)
        outputs = [r for r in incoming if r[1] == "comm_msg"]
        if outputs:
            for hop, t in outputs[-1][2].items():
                acc[f"output {hop}"].append(t - t0)
        acc["dom"].append(t1 - t0)
    return {k: round(statistics.median(v), 2) for k, v in acc.items()}


#: Chromium trace categories that show the renderer's main thread at work.
CHROME_CATEGORIES = [
    "toplevel",
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8.execute",
    "blink",
    "cc",
    "renderer.scheduler",
]


def main_thread_tasks(path: str) -> list[tuple[float, float, str]]:
    """The renderer main thread's top-level tasks: (start ms, duration ms, what ran in it)."""
    data = json.loads(open(path).read())
    events = data["traceEvents"] if isinstance(data, dict) else data
    names = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M"
        and e.get("name") == "thread_name"
        and e.get("args", {}).get("name") == "CrRendererMain"
    }
    tasks: list[list[Any]] = []
    children: dict[int, list[tuple[float, str]]] = defaultdict(list)
    mine = sorted(
        (e for e in events if (e.get("pid"), e.get("tid")) in names and e.get("ph") == "X"),
        key=lambda e: e["ts"],
    )
    current = -1
    for e in mine:
        start, dur = e["ts"] / 1000.0, e.get("dur", 0) / 1000.0
        if e["name"] == "ThreadControllerImpl::RunTask" or e["name"] == "RunTask":
            if current >= 0 and start < tasks[current][0] + tasks[current][1]:
                continue  # nested
            tasks.append([start, dur, ""])
            current = len(tasks) - 1
        elif current >= 0 and start < tasks[current][0] + tasks[current][1] and dur >= 0.2:
            label = e["name"]
            args = e.get("args", {}).get("data", {})
            if isinstance(args, dict):
                detail = args.get("type") or args.get("functionName") or args.get("url", "")
                if detail:
                    label += f"({str(detail)[-40:]})"
            children[current].append((dur, label))
    out = []
    for i, (start, dur, _) in enumerate(tasks):
        top = sorted(children[i], reverse=True)[:4]
        out.append((start, dur, ", ".join(f"{name} {d:.1f}" for d, name in top)))
    return out


def format_tasks(start: float, end: float, tasks: list[tuple[float, float, str]]) -> list[str]:
    """The main thread's tasks of >= 0.3 ms within a round, ms after the click."""
    return [
        f"        main thread {s - start:5.1f} +{d:4.1f} ms  {what}"
        for s, d, what in tasks
        if start - 0.5 <= s <= end and d >= 0.3
    ]


def profile_windows(
    profile: dict[str, Any], windows: list[tuple[float, float]], offset: float, top: int = 12
) -> list[str]:
    """What the page's JavaScript ran within the windows (page ms), by function, sampled.

    ``profile`` is a DevTools ``Profiler.stop`` result (its times: monotonic
    microseconds); ``offset`` moves page ``performance.now()`` onto that clock.
    """
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent: dict[int, int] = {}
    for n in profile["nodes"]:
        for child in n.get("children", []):
            parent[child] = n["id"]

    def label(node_id: int) -> str:
        frame = nodes[node_id]["callFrame"]
        url = frame.get("url", "").rsplit("/", 1)[-1][:30]
        return f"{frame.get('functionName') or '(anon)'}@{url}:{frame.get('lineNumber', 0)}"

    self_ms: dict[str, float] = defaultdict(float)
    ours_ms = 0.0
    total = 0.0
    t = profile["startTime"] / 1000.0
    spans = [(a + offset, b + offset) for a, b in windows]
    for node_id, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        t += delta / 1000.0
        if not any(a <= t <= b for a, b in spans):
            continue
        step = 0.1  # the sampling interval set by the bench (ms)
        total += step
        self_ms[label(node_id)] += step
        chain, n = [], node_id
        while n in parent and len(chain) < 60:
            chain.append(nodes[n]["callFrame"].get("url", ""))
            n = parent[n]
        if any(u.startswith("blob:") or "pywebio" in u for u in chain):
            ours_ms += step
    lines = [
        f"      sampled {total:.1f} ms in {len(spans)} windows; under pywebio_nb code {ours_ms:.1f}"
    ]
    for name, ms in sorted(self_ms.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"        {ms:5.1f} ms  {name}")
    return lines
