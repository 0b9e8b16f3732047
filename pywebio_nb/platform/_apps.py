"""Which application a request runs: normalizing ``applications``, ``?app=``, sizes.

``start_server`` accepts one function, a list of functions (named by their
``__name__``) or a dict ``{name: function}``. A request selects one with the
``app`` query argument; without it the ``index`` app runs, or the only app when
there is just one. With several apps and no ``index``, a generated index lists
links to them (:func:`index_links_html`, :func:`make_index_app`).
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ._config import docstring_meta, own_config

__all__ = [
    "AppNotFound",
    "app_title",
    "index_links_html",
    "make_index_app",
    "normalize_apps",
    "parse_size",
    "select_app",
]

AppFunc = Callable[[], Any]


class AppNotFound(LookupError):
    """``?app=NAME`` names no application; the message lists the known names."""


def normalize_apps(applications: Any) -> dict[str, AppFunc]:
    """``applications`` (function, list or dict) as an ordered ``{name: function}``."""
    if callable(applications):
        return {"index": applications}
    if isinstance(applications, Mapping):
        apps = dict(applications)
    elif isinstance(applications, Sequence) and not isinstance(applications, (str, bytes)):
        apps = {}
        for func in applications:
            name = getattr(func, "__name__", None)
            if not name:
                raise ValueError(
                    f"cannot name application {func!r}: a list of applications "
                    "needs functions with a __name__; use a dict {name: app}"
                )
            apps[name] = func
    else:
        raise TypeError(
            "applications must be a function, a list of functions or a dict "
            f"{{name: function}}, got {type(applications).__name__}"
        )
    if not apps:
        raise ValueError("no application given: pass at least one app function")
    for name, func in apps.items():
        if not callable(func):
            raise TypeError(f"application {name!r} is {func!r}, which is not callable")
    return apps


def select_app(apps: Mapping[str, AppFunc], name: str | None) -> tuple[str, AppFunc | None]:
    """``(name, function)`` for a request's ``?app=`` value.

    The function is None when the default index of several apps is asked for
    and there is no ``index`` app (serve the generated index then). Raises
    :class:`AppNotFound` for an unknown name.
    """
    if not name:
        if "index" in apps:
            return "index", apps["index"]
        if len(apps) == 1:
            only = next(iter(apps))
            return only, apps[only]
        return "index", None
    if name in apps:
        return name, apps[name]
    known = ", ".join(sorted(apps)) or "(none)"
    raise AppNotFound(f"no application named {name!r} on this server; known apps: {known}")


def app_title(func: AppFunc | None, default: str = "PyWebIO application") -> str:
    """The app's title: ``@config(title=...)``, else its docstring's first line, as PyWebIO."""
    return own_config(func).title or docstring_meta(func)[0] or default


def index_links_html(apps: Mapping[str, AppFunc]) -> str:
    """An HTML list of links to every app (the generated index)."""
    items = "".join(
        f'<li><a href="?app={urllib.parse.quote(name)}">{html.escape(name)}</a>'
        f"{' — ' + html.escape(app_title(func, '')) if app_title(func, '') else ''}</li>"
        for name, func in apps.items()
    )
    return f"<h3>Applications</h3><ul>{items}</ul>"


def make_index_app(apps: Mapping[str, AppFunc]) -> AppFunc:
    """A default ``index`` app that outputs links to the others."""
    content = index_links_html(apps)

    def index() -> None:
        from ..output import put_html

        put_html(content)

    return index


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMG]?)B?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def parse_size(size: int | str) -> int:
    """Bytes in ``size``: an int, or a string like ``'500'``, ``'40K'``, ``'3M'``, ``'1G'``."""
    if isinstance(size, bool):
        raise TypeError("max_payload_size must be an int or a string like '200M', not a bool")
    if isinstance(size, int):
        if size <= 0:
            raise ValueError(f"max_payload_size must be positive, got {size}")
        return size
    match = _SIZE.match(str(size))
    if match is None:
        raise ValueError(
            f"max_payload_size {size!r} is not a size: use an int (bytes) or a "
            "string ending with K, M or G, e.g. '500', '40K', '3M'"
        )
    value = int(float(match.group(1)) * _UNITS[match.group(2).upper()])
    if value <= 0:
        raise ValueError(f"max_payload_size must be at least one byte, got {size!r}")
    return value
