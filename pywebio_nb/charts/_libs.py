"""Named JavaScript libraries served locally: the registry.

A chart library's HTML (plotly, Bokeh, pyecharts, cutecharts) loads a big
JavaScript library from a CDN. pywebio_nb never does: each such library is
registered here under a name (its AMD module name where it has one), with
where its file is on this machine (inside the installed Python package that
ships it, or a pinned npm copy bundled into ``pywebio_nb/static/lib/`` at
build time), the global it defines, and the CDN URLs it stands in for.

How a library reaches the browser (one mechanism, two transports):

* server page: the frontend files route (``static_route()``, the page's
  static prefix) also serves ``lib/<name>.js`` from the registered file
  (:class:`~pywebio_nb.platform._page.FrontendFileHandler`); the URL carries
  ``?v=<hash>`` so it is cached for long, and Tornado gzips it;
* notebook: the kernel sends the file once per kernel as a ``blob`` (the one
  binary path: comm buffers), the widget loads it from an object URL.

This module only knows files; ``_html`` rewrites HTML to use the libraries.
It imports nothing from pywebio_nb, so the platform layer may use it.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import pathlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = [
    "Library",
    "get_library",
    "libraries",
    "library_file",
    "library_url",
    "register_library",
]

_STATIC_LIB = pathlib.Path(__file__).resolve().parent.parent / "static" / "lib"


@dataclass(frozen=True)
class Library:
    """A JavaScript library the frontend can load without the network.

    :param name: its name: the AMD module name ``require([...])`` uses
        (``plotly``, ``echarts``, ``chartXkcd``), or the file's stem.
    :param find: returns the library's file on this machine, or None when
        the package that ships it is not installed.
    :param global_name: the global the script defines (``window.Plotly``),
        handed to ``require()`` callbacks.
    :param cdn: a regex of the ``<script src>`` URLs this library replaces.
    :param banner: a regex matching the start of the library's code when
        a page inlines it whole (plotly's ``include_plotlyjs=True``).
    """

    name: str
    find: Callable[[], pathlib.Path | None] = field(compare=False)
    global_name: str
    cdn: re.Pattern[str] | None = None
    banner: re.Pattern[str] | None = None


_lock = threading.Lock()
_registry: dict[str, Library] = {}


def register_library(library: Library) -> None:
    """Add (or replace) a library by its name."""
    if not re.fullmatch(r"[A-Za-z][\w.\-]*", library.name):
        raise ValueError(f"a library name is letters, digits, '.', '-', '_'; got {library.name!r}")
    with _lock:
        _registry[library.name] = library
    library_file.cache_clear()


def get_library(name: str) -> Library | None:
    with _lock:
        return _registry.get(name)


def libraries() -> list[Library]:
    """Every registered library (installed or not)."""
    with _lock:
        return list(_registry.values())


@functools.cache
def library_file(name: str) -> pathlib.Path | None:
    """The file of library ``name`` on this machine, or None (unknown, not installed)."""
    library = get_library(name)
    if library is None:
        return None
    path = library.find()
    return path if path is not None and path.is_file() else None


@functools.cache
def _digest(path: pathlib.Path, mtime: float) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()[:12]


def library_url(name: str) -> str | None:
    """``lib/<name>.js?v=<hash>``, relative to the frontend files' base URL."""
    path = library_file(name)
    if path is None:
        return None
    return f"lib/{name}.js?v={_digest(path, path.stat().st_mtime)}"


def _in_package(package: str, *parts: str) -> Callable[[], pathlib.Path | None]:
    """A finder for a file inside an installed package, without importing it."""

    def find() -> pathlib.Path | None:
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            return None
        if spec is None or not spec.submodule_search_locations:
            return None
        return pathlib.Path(next(iter(spec.submodule_search_locations)), *parts)

    return find


def _bundled(filename: str) -> Callable[[], pathlib.Path | None]:
    """A finder for a pinned npm copy that js/build.mjs puts into static/lib/."""
    return lambda: _STATIC_LIB / filename


def _builtin() -> None:
    register_library(
        Library(
            "plotly",
            _in_package("plotly", "package_data", "plotly.min.js"),
            "Plotly",
            cdn=re.compile(r"^(https?:)?//cdn\.plot\.ly/plotly-[\w.\-]*?(\.min)?\.js$"),
            banner=re.compile(r"^\s*/\*\*?\s*\*\s*plotly\.js v\d"),
        )
    )
    for part in ("", "-gl", "-widgets", "-tables", "-mathjax", "-api"):
        register_library(
            Library(
                "bokeh" + part,
                _in_package("bokeh", "server", "static", "js", f"bokeh{part}.min.js"),
                "Bokeh",
                cdn=re.compile(
                    r"^(https?:)?//cdn\.bokeh\.org/bokeh/(release|dev)/"
                    rf"bokeh{re.escape(part)}-\d[\w.\-]*?(\.min)?\.js$"
                ),
            )
        )
    register_library(
        Library(
            "echarts",
            _bundled("echarts.min.js"),
            "echarts",
            cdn=re.compile(r"^(https?:)?//\S*/echarts(\.min)?(\.js)?$"),
        )
    )
    register_library(
        Library(
            "chartXkcd",
            _bundled("chart.xkcd.min.js"),
            "chartXkcd",
            cdn=re.compile(r"^(https?:)?//\S*/chart\.xkcd(\.min)?(\.js)?$"),
        )
    )


_builtin()
