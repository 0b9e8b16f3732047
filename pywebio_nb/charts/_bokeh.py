"""Bokeh's notebook hook ``notebook_type='pywebio'`` (the manual's Bokeh recipe).

``bokeh.io.output_notebook(notebook_type='pywebio')`` then ``show(fig)``
outputs the figure with ``put_html``, BokehJS loaded from the installed
bokeh package (``pywebio_nb.charts``), in a notebook cell and on the server.
``show(app)`` of a Bokeh server application works in a Tornado server
session (``_bokeh_server``).

The hook is registered when ``bokeh.io.notebook`` is imported, by a meta path
finder that pywebio_nb's import installs: importing pywebio_nb never imports
bokeh (it costs half a second), and an app that imports bokeh before or after
pywebio_nb gets the hook either way.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import logging
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

__all__ = ["NOTEBOOK_TYPE", "install_bokeh_hook"]

logger = logging.getLogger("pywebio_nb.charts")

#: The ``notebook_type`` of ``output_notebook`` that outputs through pywebio_nb.
NOTEBOOK_TYPE = "pywebio"
_WATCHED = "bokeh.io.notebook"


def _load(
    resources: Any = None,
    verbose: bool = False,
    hide_banner: bool = False,
    load_timeout: int = 5000,
) -> None:
    """``output_notebook``: nothing to send; BokehJS loads with the first figure."""


def _show_doc(obj: Any, state: Any, notebook_handle: bool = False) -> None:
    """``show(fig)``: the figure's HTML and script, BokehJS files first."""
    from bokeh.embed import components
    from bokeh.embed.bundle import bundle_for_objs_and_resources
    from bokeh.resources import CDN

    from ..output import put_html

    script, div = components(obj)
    # The CDN URLs name exactly the BokehJS parts this figure needs (widgets, tables,
    # gl...); put_html turns each into its local library.
    bundle = bundle_for_objs_and_resources([obj], CDN)
    tags = "".join(f'<script src="{url}"></script>' for url in bundle.js_files)
    put_html(tags + div + script)


def _show_app(app: Any, state: Any, notebook_url: Any = None, **kwargs: Any) -> None:
    """``show(app)``: a Bokeh server app, in a Tornado server session only."""
    from ._bokeh_server import show_app

    show_app(app, **kwargs)


def _register(notebook: ModuleType) -> None:
    try:
        notebook.install_notebook_hook(NOTEBOOK_TYPE, _load, _show_doc, _show_app, overwrite=True)
    except Exception:  # a broken hook must not break importing bokeh
        logger.exception("could not register bokeh's notebook_type=%r hook", NOTEBOOK_TYPE)


class _BokehHookFinder(importlib.abc.MetaPathFinder):
    """Registers the hook right after ``bokeh.io.notebook`` is executed."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != _WATCHED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        loader = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        original = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original(module)
            _register(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install_bokeh_hook() -> None:
    """Register the hook now if bokeh's notebook module is loaded, else when it is."""
    loaded = sys.modules.get(_WATCHED)
    if loaded is not None:
        _register(loaded)
        return
    if not any(isinstance(finder, _BokehHookFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _BokehHookFinder())
