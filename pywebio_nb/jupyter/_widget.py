"""The cell root: one anywidget per cell execution that outputs.

Its frontend is the same renderer as the server page (``static/widget.js``,
built from ``js/``). Kernel -> frontend custom messages carry a JSON list of
commands; frontend -> kernel custom messages carry one event, with its binary
buffers (the chunks of an uploaded file, ``upload_chunk`` events).

The bundle is attached when the first cell root is made, not when this module
is imported: importing the notebook runtime (tests, tools, a checkout without
``npm run build``) does not need the built frontend.

A cell root's *display* (what the notebook file keeps) holds more than the
widget view: ``text/plain``, ``text/html`` and the snapshot of
``_static_html``, so a saved notebook is readable without a kernel. The root
is displayed with a ``display_id``; :class:`DisplayRefresher` sends
``update_display_data`` for it when its cell ends and, throttled, when a
callback or a thread changes it later.
"""

from __future__ import annotations

import gc
import logging
import pathlib
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import anywidget
import traitlets

__all__ = ["BUNDLE", "STATIC", "CellRoot", "DisplayRefresher"]

logger = logging.getLogger("pywebio_nb.jupyter")

STATIC = pathlib.Path(__file__).resolve().parents[1] / "static"
#: The built frontend module every cell root loads.
BUNDLE = STATIC / "widget.js"

_bundle_lock = threading.Lock()


def _attach_bundle(cls: type[anywidget.AnyWidget]) -> None:
    """Set ``cls._esm`` to the bundle, once; a clear error when it was never built."""
    with _bundle_lock:
        if "_esm" in cls.__dict__:
            return
        if not BUNDLE.is_file():
            raise FileNotFoundError(
                f"the notebook frontend {BUNDLE} is missing: build it with "
                "`cd js && npm ci && npm run build` (or `make js`)"
            )
        cls._esm = BUNDLE
        # anywidget turns a class's ``_esm`` path into watched file contents
        # (live reload with ANYWIDGET_HMR=1) when the class is created; ours is
        # set later, so let it do the same now.
        cls.__init_subclass__()


def _widget_message_problem(data: Any) -> str | None:
    """What makes ``data`` no widget message ipywidgets can handle, or None."""
    if not isinstance(data, dict):
        return "not an object"
    method = data.get("method")
    if method not in ("update", "request_state", "custom", "echo_update"):
        return f"method {method!r}"
    if method == "update":
        if not isinstance(data.get("state", {}), dict):
            return "state is no object"
        paths = data.get("buffer_paths", [])
        if not isinstance(paths, list) or not all(isinstance(p, list) for p in paths):
            return "buffer_paths is no list of paths"
    return None


class CellRoot(anywidget.AnyWidget):
    """The widget a cell's PyWebIO output and forms render into."""

    root_id = traitlets.Unicode("").tag(sync=True)
    #: Unique per widget: the frontend pairs a model's views with its renderer by it.
    key = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self, root_id: str, on_event: Callable[[Any, Sequence[Any]], object], **kwargs: Any
    ) -> None:
        _attach_bundle(type(self))
        super().__init__(root_id=root_id, key=uuid.uuid4().hex, **kwargs)
        self._on_event = on_event
        self.frontend_seen = False
        #: The id its display goes by (``update_display_data`` targets it).
        self.display_id = f"pywebio-nb-{self.key}"
        #: Makes the display entries beside the widget view (``text/html``, the
        #: snapshot, ``text/plain``); set by the session that shows this root.
        self.static_entries: Callable[[], dict[str, Any]] | None = None
        self.on_msg(self._handle_custom)

    def _handle_msg(self, msg: Any) -> None:
        """Check a frontend message before ipywidgets reads it.

        ipywidgets assumes a well-formed widget message and, when one is not (no
        ``method``, a ``state`` that is no object...), shows a traceback in the cell
        the kernel is running. A broken or hostile frontend's message is logged and
        dropped instead; well-formed ones go on as usual.
        """
        content = msg.get("content") if isinstance(msg, dict) else None
        data = content.get("data") if isinstance(content, dict) else None
        problem = _widget_message_problem(data)
        if problem is not None:
            logger.warning("ignored a malformed widget message (%s): %.200r", problem, data)
            return
        super()._handle_msg(msg)

    def _handle_custom(self, _widget: Any, content: Any, buffers: Any) -> None:
        self._on_event(content, list(buffers or ()))

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The widget view plus the static entries, so a saved notebook shows the content."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None or self.static_entries is None:
            return bundle
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        try:
            entries = self.static_entries()
        except Exception:  # the live view must not fail because of its saved copy
            logger.exception("rendering the static copy of cell root %s failed", self.root_id)
            return bundle
        return {**data, **entries}, metadata


class DisplayRefresher:
    """Keeps each cell root's saved display up to date, at most a few times per second.

    The session reports every batch delivered to a root (:meth:`changed`, a
    dict update: nothing is rendered on the hot path of a ``put_*`` loop). A
    background thread then refreshes the root — ``publish(root_id)`` renders
    it and sends ``update_display_data`` — once it has been quiet for
    ``QUIET`` seconds, never sooner than ``MIN_INTERVAL`` (nor than
    ``COST_FACTOR`` times what its previous refresh took: a big root costs at
    most a few percent of a core) after its previous refresh, and otherwise at
    the latest ``MAX_DELAY`` after its first unsaved change (a root that
    changes all the time is still saved that often). When a cell
    ends, :meth:`refresh_now` refreshes every changed root at once, in the
    cell's own thread, so the saved notebook holds the final content before
    the cell's reply.
    """

    #: Seconds between two refreshes of one root.
    MIN_INTERVAL = 0.5
    #: Seconds without a change before a refresh (a burst settles first).
    QUIET = 0.1
    #: Seconds a change waits at most, however busy the root (unless its refresh is slow).
    MAX_DELAY = 3.0
    #: A refresh that took t seconds is followed by none for ``COST_FACTOR * t``.
    COST_FACTOR = 20.0

    def __init__(self, publish: Callable[[str], None]) -> None:
        self._publish = publish
        self._cond = threading.Condition()
        self._publishing = threading.Lock()  # one refresh at a time: newest content last
        # root -> (monotonic time of its first unsaved change, of its last change)
        self._changed: dict[str, tuple[float, float]] = {}
        self._last: dict[str, float] = {}
        self._cost: dict[str, float] = {}  # seconds the root's last refresh took
        self._thread: threading.Thread | None = None
        self._stopped = False

    def changed(self, root_id: str) -> None:
        """A batch went to ``root_id``: its saved display is out of date."""
        now = time.monotonic()
        with self._cond:
            times = self._changed.get(root_id)
            self._changed[root_id] = (times[0] if times else now, now)
            if times is None:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="pywebio-nb-display", daemon=True
                    )
                    self._thread.start()
                self._cond.notify()

    def refresh_now(self) -> None:
        """Refresh every changed root now (the calling thread renders and sends)."""
        with self._cond:
            roots = list(self._changed)
            self._changed.clear()
            now = time.monotonic()
            for root_id in roots:
                self._last[root_id] = now
        self._refresh(roots)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()

    def _due(self, root_id: str, first: float, last: float) -> float:
        pause = max(self.MIN_INTERVAL, self.COST_FACTOR * self._cost.get(root_id, 0.0))
        earliest = self._last.get(root_id, 0.0) + pause
        return max(earliest, min(last + self.QUIET, first + self.MAX_DELAY))

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stopped:
                    return
                if not self._changed:
                    self._cond.wait()
                    continue
                now = time.monotonic()
                due = {root: self._due(root, *times) for root, times in self._changed.items()}
                ready = [root for root, when in due.items() if when <= now]
                if not ready:
                    self._cond.wait(min(due.values()) - now)
                    continue
                for root_id in ready:
                    del self._changed[root_id]
                    self._last[root_id] = now
            self._refresh(ready)

    def _refresh(self, roots: list[str]) -> None:
        with self._publishing:
            for root_id in roots:
                start = time.monotonic()
                # A refresh makes many short-lived objects (a copy of the root's specs,
                # its HTML): without the cyclic GC running meanwhile they die young
                # instead of being promoted, and later put_* loops pay no full
                # collections for them (refcounting frees them all; none is cyclic).
                collecting = gc.isenabled()
                gc.disable()
                try:
                    self._publish(root_id)
                except Exception:
                    logger.exception("refreshing the saved display of %s failed", root_id)
                finally:
                    if collecting:
                        gc.enable()
                self._cost[root_id] = time.monotonic() - start
