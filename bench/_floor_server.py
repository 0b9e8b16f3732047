"""The floor of ``bench_compare.py``'s figures: a bare Tornado WebSocket, no framework.

It speaks just enough of the protocol for the client of ``bench_compare.py``
to measure it exactly as it measures pywebio_nb and PyWebIO, over the same
loopback and Tornado version:

* ``click`` / ``click_async``: a ``buttons`` output on open; each ``callback``
  event gets one ``text`` output back, written by a worker thread's hand-off
  to the event loop (``click``: what any thread-based app pays, two thread
  hand-offs) or at once on the loop (``click_async``);
* ``inputs`` / ``inputs_async``: an ``input_group`` on open, and a new one for
  each ``from_submit``, the same two ways;
* ``texts`` / ``texts_async``: ``--texts`` text outputs in batches of 1,000,
  encoded at start-up and written at once: what the client and the socket
  can take, not what any server can produce.

Nothing is parsed beyond ``json.loads`` and nothing is kept per session: the
difference between this and a framework's figure is the framework's own cost.
Run: ``python bench/_floor_server.py --port P`` (``bench_compare.py`` does).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import queue
import threading
from collections.abc import Callable
from typing import Any

import tornado.ioloop
import tornado.web
import tornado.websocket

#: Work for the worker thread (what a thread-based app's callback thread does).
_work: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()


def _worker() -> None:
    while True:
        _work.get()()


def _frame(*commands: dict[str, Any]) -> str:
    return json.dumps(list(commands))


def _text(content: str) -> dict[str, Any]:
    spec = {"type": "text", "content": content, "inline": False, "scope": "#ROOT", "position": -1}
    return {"command": "output", "task_id": None, "spec": spec}


_BUTTONS = {
    "command": "output",
    "task_id": None,
    "spec": {"type": "buttons", "callback_id": "cb", "buttons": [{"label": "b", "value": "b"}]},
}


def _form(number: int) -> dict[str, Any]:
    spec = {"label": "", "inputs": [{"type": "text", "name": "data", "label": "x"}]}
    return {"command": "input_group", "task_id": f"form-{number}", "spec": spec}


class FloorHandler(tornado.websocket.WebSocketHandler):
    #: The ``texts`` apps' frames, encoded once at start-up (see main).
    text_frames: list[str] = []

    def open(self, *args: Any, **kwargs: Any) -> None:
        self.set_nodelay(True)
        self.app = self.get_query_argument("app", "click")
        self.threaded = not self.app.endswith("_async")
        self.forms = 0
        self.loop = tornado.ioloop.IOLoop.current()
        if self.app.startswith("texts"):
            for frame in self.text_frames:
                self.write_message(frame)
        elif self.app.startswith("inputs"):
            self.write_message(_frame(_form(self.forms)))
        else:
            self.write_message(_frame(_BUTTONS))

    def on_message(self, message: str | bytes) -> None:
        event = json.loads(message)
        if event.get("event") == "callback":
            self._reply(lambda: _frame(_text(str(event.get("data")))))
        elif event.get("event") == "from_submit":
            self.forms += 1
            number = self.forms
            self._reply(lambda: _frame(_form(number)))

    def _reply(self, make: Callable[[], str]) -> None:
        if not self.threaded:
            self.write_message(make())
            return

        def work() -> None:
            frame = make()
            self.loop.add_callback(self._write, frame)

        _work.put(work)

    def _write(self, frame: str) -> None:
        if self.ws_connection is not None:
            self.write_message(frame)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--texts", type=int, default=20000)
    parser.add_argument("--impl", default="floor", help="accepted, as _compare_server takes it")
    parser.add_argument("--inputs", type=int, default=200, help="accepted, not needed")
    args = parser.parse_args()
    batch = 1000
    FloorHandler.text_frames = [
        _frame(*(_text(str(i)) for i in range(start, min(start + batch, args.texts))))
        for start in range(0, args.texts, batch)
    ]
    threading.Thread(target=_worker, name="floor-worker", daemon=True).start()
    application = tornado.web.Application([(r"/", FloorHandler)])
    application.listen(args.port, "127.0.0.1")
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
