"""The HTML page served on an app's URL: it loads the frontend bundle.

The bundle (``pywebio_nb/static/page.js``, built from ``js/``) mounts the
renderer on ``#pywebio-nb-root`` and opens the WebSocket on the page's own URL.
By default it comes from this server; ``cdn="https://host/path/"`` makes the
page load it (and its lazy chunks and themes, which resolve relative to it)
from that base URL instead. Nothing is loaded from a public CDN by default.

The page also carries the app's :func:`~pywebio_nb.platform._config.config`:
title, description, theme, ``js_file``/``js_code`` scripts and
``css_file``/``css_style`` styles. The renderer draws inside a shadow root,
which document styles do not reach, so the theme and the app's CSS are marked
``data-pywebio-nb-shadow`` in the head and a small module script, run right
after the bundle mounted, copies them into the shadow root after the
renderer's own styles (the same URLs: the browser fetches each file once).
"""

from __future__ import annotations

import html
import pathlib
import re
from typing import Any

import tornado.web

from ._config import PageConfig, page_config_of

__all__ = [
    "STATIC_PATH",
    "FrontendFileHandler",
    "render_app_page",
    "render_index_page",
    "render_page",
    "static_base_url",
    "static_file_url",
]

#: Directory of the built frontend files.
STATIC_PATH = str(pathlib.Path(__file__).resolve().parent.parent / "static")

_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<meta name="description" content="{description}">
<link rel="icon" href="data:,">
<style>html,body{{margin:0;padding:0}}</style>
{head}</head>
<body>
<div id="pywebio-nb-root">{body}</div>
{script}
</body>
</html>
"""


# Copies the head's `data-pywebio-nb-shadow` styles into the renderer's shadow root, after
# its own styles. A module script runs after page.js (module scripts run in document
# order), which mounts at once, or on DOMContentLoaded before this listener.
_SHADOW_STYLES_SCRIPT = (
    '<script type="module">'
    'const h=document.getElementById("pywebio-nb-root");'
    "const add=()=>{const r=h&&h.shadowRoot;if(!r)return;"
    'for(const e of document.head.querySelectorAll("[data-pywebio-nb-shadow]")){'
    "r.append(e.cloneNode(true))}};"
    "if(h&&h.shadowRoot)add();"
    'else document.addEventListener("DOMContentLoaded",add);'
    "</script>"
)


class FrontendFileHandler(tornado.web.StaticFileHandler):
    """The frontend files (``STATIC_PATH``), and ``lib/<name>.js``: a chart library.

    A library (``pywebio_nb.charts``) lives in the installed package that
    ships it (plotly.js inside plotly, BokehJS inside bokeh) or in
    ``static/lib/``; only registered names are served, never another path.
    Cached like every versioned static file (``?v=``) and gzipped by the
    application's ``compress_response``.
    """

    @classmethod
    def get_absolute_path(cls, root: str, path: str) -> str:
        library = _library_path(path)
        return library if library is not None else super().get_absolute_path(root, path)

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        if absolute_path == _library_path(self.path_args[0] if self.path_args else ""):
            return absolute_path
        return super().validate_absolute_path(root, absolute_path)


def _library_path(path: str) -> str | None:
    """The file of a registered chart library for ``lib/<name>.js``, else None."""
    if not (path.startswith("lib/") and path.endswith(".js")) or "/" in path[4:]:
        return None
    from ..charts._libs import library_file

    found = library_file(path[4:-3])
    return None if found is None else str(found)


#: A Prism language component (the manual's "Add new syntax highlight" recipe).
_PRISM_COMPONENT = re.compile(r"(^|/)prism-[\w-]+(\.min)?\.js([?#].*)?$")


def _js_file_tag(url: str) -> str:
    """The tag of a ``config(js_file=...)`` script.

    A Prism component (``prism-<language>.js``) extends the global ``Prism``,
    which the renderer loads only with the first ``put_code`` with a language:
    it is marked for the renderer to load right after Prism instead of run now.
    """
    if _PRISM_COMPONENT.search(url):
        return f'<script type="text/x-pywebio-prism-component" data-src="{_attr(url)}"></script>'
    return f'<script defer src="{_attr(url)}"></script>'


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _raw_text(text: str, tag: str) -> str:
    """``text`` safe inside ``<tag>...</tag>`` (script or style): it cannot close the tag.

    ``</tag`` becomes ``<\\/tag`` (in JS strings, regexes and CSS the backslash
    escapes the slash, so the meaning is kept) and ``<!--`` becomes ``<\\!--``
    (which would otherwise let a later ``<script`` swallow the real end tag).
    """
    text = re.sub(rf"</(?={tag})", r"<\\/", text, flags=re.IGNORECASE)
    return text.replace("<!--", "<\\!--")


def render_page(
    title: str,
    script_url: str,
    description: str = "",
    *,
    config: PageConfig | None = None,
    theme_url: str | None = None,
) -> str:
    """The page of one app: an empty root, the bundle's ``<script>`` and ``config``.

    ``theme_url`` is the stylesheet of a non-default theme (None: the bundled style).
    ``config`` gives the injected files and code; its title and description are
    not used (pass the resolved ones as ``title`` and ``description``).
    """
    config = config or PageConfig()
    head: list[str] = []
    if theme_url:
        # Applied to the document too: Chrome ignores @font-face in a shadow root, and
        # a theme's inlined web font is declared there (its other rules match nothing).
        head.append(f'<link rel="stylesheet" href="{_attr(theme_url)}" data-pywebio-nb-shadow>')
    for url in config.css_file:
        head.append(f'<link rel="stylesheet" href="{_attr(url)}" data-pywebio-nb-shadow>')
    if config.css_style:
        head.append(f"<style data-pywebio-nb-shadow>{_raw_text(config.css_style, 'style')}</style>")
    # A module: the bundle is ESM and fetches its lazy chunks with import().
    scripts = [f'<script type="module" src="{_attr(script_url)}"></script>']
    if head:
        scripts.append(_SHADOW_STYLES_SCRIPT)
    # Deferred: they run after the bundle, in order, as PyWebIO puts them after its own.
    scripts += [_js_file_tag(url) for url in config.js_file]
    if config.js_code:
        scripts.append(f"<script>{_raw_text(config.js_code, 'script')}</script>")
    return _TEMPLATE.format(
        title=html.escape(title),
        description=_attr(description),
        head="".join(line + "\n" for line in head),
        body="",
        script="\n".join(scripts),
    )


def static_base_url(cdn: bool | str, local_prefix: str) -> str:
    """Base URL of the frontend files: ``local_prefix``, or ``cdn`` when it is a URL.

    ``cdn=True``/``False`` both mean this server (pywebio_nb never uses a public
    CDN); a string is the base URL the files are served from (a trailing ``/``
    is added).
    """
    if isinstance(cdn, str) and cdn:
        return cdn if cdn.endswith("/") else cdn + "/"
    return local_prefix


def static_file_url(base: str, name: str) -> str:
    """``base + name`` with ``?v=<hash of the local file>`` so caches renew on upgrade."""
    version = tornado.web.StaticFileHandler.get_version({"static_path": STATIC_PATH}, name)
    return f"{base}{name}?v={version}" if version else base + name


def render_app_page(app: Any, name: str, static_base: str) -> str:
    """The page of app ``app`` (named ``name``) with its configuration resolved."""
    config = page_config_of(app, default_title=name if name != "index" else "PyWebIO application")
    theme = config.theme or "default"
    theme_url = None if theme == "default" else static_file_url(static_base, f"themes/{theme}.css")
    return render_page(
        config.title or name,
        static_file_url(static_base, "page.js"),
        config.description or "",
        config=config,
        theme_url=theme_url,
    )


def render_index_page(links_html: str, title: str = "Applications") -> str:
    """A static page listing links to the apps (no script needed)."""
    return _TEMPLATE.format(
        title=html.escape(title),
        description="",
        head="",
        script="",
        body=f'<div style="font-family:sans-serif;padding:1em 2em">{links_html}</div>',
    )
