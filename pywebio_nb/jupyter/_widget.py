"""The cell root: one anywidget per cell execution that outputs.

Its frontend is the same renderer as the server page (``static/widget.js``,
built from ``js/``). Kernel -> frontend custom messages carry a JSON list of
commands; frontend -> kernel custom messages carry one event.
"""

from __future__ import annotations

import pathlib
import uuid
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

__all__ = ["STATIC", "CellRoot"]

STATIC = pathlib.Path(__file__).resolve().parents[1] / "static"


class CellRoot(anywidget.AnyWidget):
    """The widget a cell's PyWebIO output and forms render into."""

    _esm = STATIC / "widget.js"
    root_id = traitlets.Unicode("").tag(sync=True)
    #: Unique per widget: the frontend pairs a model's views with its renderer by it.
    key = traitlets.Unicode("").tag(sync=True)

    def __init__(self, root_id: str, on_event: Callable[[Any], None], **kwargs: Any) -> None:
        super().__init__(root_id=root_id, key=uuid.uuid4().hex, **kwargs)
        self._on_event = on_event
        self.frontend_seen = False
        self.on_msg(self._handle_custom)

    def _handle_custom(self, _widget: Any, content: Any, _buffers: Any) -> None:
        self._on_event(content)
