"""HTML that uses chart libraries, made to load them locally (``put_html``).

:func:`html_with_libraries` turns what ``put_html`` is given into the HTML
sent and the ``libs`` of its spec:

* a ``<script src>`` whose URL is a registered library's CDN URL becomes a
  placeholder ``<script data-pywebio-lib="NAME"></script>``;
* an inline ``<script>`` holding a whole registered library (plotly's
  ``include_plotlyjs=True``/``"require"`` inline 4.8 MB of plotly.js) becomes
  the same placeholder, so the library travels once, not with every chart;
* ``require(["NAME"], ...)`` (pyecharts', cutecharts', pyg2plot's
  ``render_notebook()``, older plotly's ``"require"`` mode) is answered by the
  renderer's small local ``require`` (their ``require.config`` CDN paths are
  ignored); the names it asks for are added to ``libs``;
* a plotly ``Figure`` is drawn from its own HTML without plotly.js inlined.

The frontend runs the scripts in order, waiting for each library to load.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import weakref
from typing import Any

from ..protocol import BlobRef
from ._libs import get_library, library_file, library_url

__all__ = ["html_with_libraries", "library_sources", "placeholder"]

logger = logging.getLogger("pywebio_nb.charts")

_SCRIPT_OPEN = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_SRC = re.compile(r"""(?:^|\s)src\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"""data-pywebio-lib\s*=\s*["']([A-Za-z][\w.\-]*)["']""")
_REQUIRE = re.compile(r"""\brequire(?:js)?\s*\(\s*\[([^\]]*)\]""")
_QUOTED = re.compile(r"""["']([A-Za-z][\w.\-]*)["']""")
#: How much of an inline script is matched against the libraries' banners.
_BANNER_SPAN = 400


def placeholder(name: str) -> str:
    """The script tag that loads library ``name`` where it stands."""
    return f'<script data-pywebio-lib="{name}"></script>'


def _library_of_script(attrs: str, body: str) -> str | None:
    from ._libs import libraries

    named = _PLACEHOLDER.search(attrs)
    if named and get_library(named.group(1)) is not None:
        return named.group(1)
    src = _SRC.search(attrs)
    if src:
        url = next(g for g in src.groups() if g is not None).strip()
        for library in libraries():
            if library.cdn is not None and library.cdn.match(url):
                return library.name
        return None
    head = body[:_BANNER_SPAN]
    for library in libraries():
        if library.banner is not None and library.banner.match(head):
            return library.name
    return None


def rewrite_html(html: str) -> tuple[str, list[str]]:
    """``html`` with CDN and inlined libraries replaced by placeholders; the names used."""
    if "<script" not in html.lower():
        return html, []
    parts: list[str] = []
    used: list[str] = []
    pos = 0
    while True:
        opening = _SCRIPT_OPEN.search(html, pos)
        if opening is None:
            break
        end = _find_end(html, opening.end())
        if end < 0:
            break
        close = html.find(">", end)
        close = len(html) if close < 0 else close + 1
        name = _library_of_script(opening.group(1), html[opening.end() : end])
        if name is None:
            parts.append(html[pos:close])
        else:
            parts.append(html[pos : opening.start()])
            parts.append(placeholder(name))
            if name not in used:
                used.append(name)
        pos = close
    parts.append(html[pos:])
    content = "".join(parts)
    for call in _REQUIRE.finditer(content):
        for name in _QUOTED.findall(call.group(1)):
            if get_library(name) is not None and name not in used:
                used.append(name)
    return content, used


def _find_end(html: str, start: int) -> int:
    """Index of the ``</script`` closing a script that starts at ``start`` (any case)."""
    # Big HTML (inlined plotly.js): look for the usual spelling first, lower-casing
    # megabytes only when it is missing.
    end = html.find("</script", start)
    if end >= 0:
        upper = html.find("</SCRIPT", start, end)
        return upper if upper >= 0 else end
    return html.lower().find("</script", start)


# ------------------------------------------------------------------ sources
_kernel_lock = threading.Lock()
#: The blob of each library per session: sent once per kernel (or page).
_kernel_blobs: weakref.WeakKeyDictionary[Any, dict[str, BlobRef]] = weakref.WeakKeyDictionary()


def _has_library_route(session: Any) -> bool:
    """Whether ``session``'s page is served with the library route (``lib/<name>.js``).

    A Tornado WebSocket session is, when its Application routes to
    :class:`~pywebio_nb.platform._page.FrontendFileHandler` (``static_route()``:
    ``start_server``, ``path_deploy``, ``webio_handler`` as documented). Every
    other session (a notebook kernel, aiohttp, FastAPI, Flask, Django, HTTP
    polling, a Tornado app without that route) gets the library's bytes as a
    blob, which every transport carries.
    """
    transport_module = sys.modules.get("pywebio_nb.platform._ws_transport")
    transport = getattr(session, "transport", None)
    if transport_module is None or not isinstance(transport, transport_module.WebSocketTransport):
        return False
    application = getattr(getattr(transport, "_handler", None), "application", None)
    return application is not None and _routes_libraries(application)


_route_lock = threading.Lock()
_routes_cache: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def _routes_libraries(application: Any) -> bool:
    """Whether a Tornado Application has a FrontendFileHandler route (cached per app)."""
    with _route_lock:
        known = _routes_cache.get(application)
    if known is not None:
        return known
    from ..platform._page import FrontendFileHandler

    def walk(router: Any, depth: int) -> bool:
        for rule in getattr(router, "rules", ()) if depth < 8 else ():
            target = rule.target
            if isinstance(target, type) and issubclass(target, FrontendFileHandler):
                return True
            if walk(target, depth + 1):
                return True
        return False

    found = walk(getattr(application, "default_router", None), 0) or walk(
        getattr(application, "wildcard_router", None), 0
    )
    with _route_lock:
        _routes_cache[application] = found
    return found


def _session_blob(session: Any, name: str) -> BlobRef | None:
    """The library's bytes as a blob of ``session``, added once (again if collected)."""
    path = library_file(name)
    if path is None:
        return None
    with _kernel_lock:
        refs = _kernel_blobs.setdefault(session, {})
        ref = refs.get(name)
        if ref is not None and session.blobs.get(ref["blob"]) is not None:
            return ref
        added: BlobRef = session.blobs.add(_read(path), "text/javascript")
        refs[name] = added
        return added


_bytes_lock = threading.Lock()
_bytes: dict[str, bytes] = {}


def _read(path: Any) -> bytes:
    """The file's bytes, read once per process (every kernel blob shares them)."""
    key = str(path)
    with _bytes_lock:
        data = _bytes.get(key)
        if data is None:
            data = _bytes[key] = path.read_bytes()
        return data


def library_sources(names: list[str], session: Any) -> dict[str, dict[str, Any]]:
    """The ``libs`` of an html spec: per library its source for ``session`` and global."""
    libs: dict[str, dict[str, Any]] = {}
    by_url = _has_library_route(session)
    for name in names:
        library = get_library(name)
        if library is None:
            continue
        entry: dict[str, Any] = {"global_name": library.global_name}
        src: BlobRef | str | None = library_url(name) if by_url else _session_blob(session, name)
        if src is None:
            logger.warning(
                "put_html: the chart library %r is not available on this machine "
                "(install the Python package that ships it, or build js/); it will not load",
                name,
            )
        else:
            entry["src"] = src
        libs[name] = entry
    return libs


# ------------------------------------------------------------------ put_html
def _plotly_figure_html(value: Any) -> str | None:
    """The HTML of a plotly ``Figure`` (plotly.js left out: it is the ``plotly`` library)."""
    module = type(value).__module__ or ""
    if not module.startswith("plotly.") or not callable(getattr(value, "to_html", None)):
        return None
    html: str = value.to_html(include_plotlyjs=False, full_html=False)
    return placeholder("plotly") + html


def html_with_libraries(value: Any, sanitize: bool) -> tuple[str, dict[str, dict[str, Any]]]:
    """What ``put_html(value)`` sends: the HTML and the ``libs`` of its spec.

    ``value`` is a string, a plotly ``Figure``, or an object with ``__html__()``
    or ``_repr_html_()``. Sanitized HTML runs no script, so it needs no library.
    """
    figure = _plotly_figure_html(value)
    if figure is not None:
        html = figure
    elif hasattr(value, "__html__"):
        html = str(value.__html__())
    elif hasattr(value, "_repr_html_"):
        html = str(value._repr_html_())
    else:
        html = str(value)
    if sanitize:
        return html, {}
    html, names = rewrite_html(html)
    if not names:
        return html, {}
    from ..session._context import get_current_session

    return html, library_sources(names, get_current_session())
