"""The cell root: one anywidget per cell execution that outputs.

Its frontend is the same renderer as the server page (``static/widget.js``,
built from ``js/``). Kernel -> frontend custom messages carry a JSON list of
commands; frontend -> kernel custom messages carry one event, with its binary
buffers (the chunks of an uploaded file, ``upload_chunk`` events).

The bundle is attached when the first cell root is made, not when this module
is imported: importing the notebook runtime (tests, tools, a checkout without
``npm run build``) does not need the built frontend.
"""

from __future__ import annotations

import pathlib
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import anywidget
import traitlets

__all__ = ["BUNDLE", "STATIC", "CellRoot"]

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


class CellRoot(anywidget.AnyWidget):
    """The widget a cell's PyWebIO output and forms render into."""

    root_id = traitlets.Unicode("").tag(sync=True)
    #: Unique per widget: the frontend pairs a model's views with its renderer by it.
    key = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self, root_id: str, on_event: Callable[[Any, Sequence[Any]], None], **kwargs: Any
    ) -> None:
        _attach_bundle(type(self))
        super().__init__(root_id=root_id, key=uuid.uuid4().hex, **kwargs)
        self._on_event = on_event
        self.frontend_seen = False
        self.on_msg(self._handle_custom)

    def _handle_custom(self, _widget: Any, content: Any, buffers: Any) -> None:
        self._on_event(content, list(buffers or ()))
