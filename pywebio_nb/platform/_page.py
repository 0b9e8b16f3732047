"""The HTML page served on an app's URL: it loads the local frontend bundle.

The bundle (``pywebio_nb/static/page.js``, built from ``js/``) mounts the
renderer on ``#pywebio-nb-root`` and opens the WebSocket on the page's own URL.
Nothing is loaded from a CDN.
"""

from __future__ import annotations

import html
import pathlib

__all__ = ["STATIC_PATH", "render_index_page", "render_page"]

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
</head>
<body>
<div id="pywebio-nb-root">{body}</div>
{script}
</body>
</html>
"""


def render_page(title: str, script_url: str, description: str = "") -> str:
    """The page of one app: an empty root and the bundle's ``<script>``."""
    # A module: the bundle is ESM and fetches its lazy chunks with import().
    script = f'<script type="module" src="{html.escape(script_url, quote=True)}"></script>'
    return _TEMPLATE.format(
        title=html.escape(title), description=html.escape(description), body="", script=script
    )


def render_index_page(links_html: str, title: str = "Applications") -> str:
    """A static page listing links to the apps (no script needed)."""
    return _TEMPLATE.format(
        title=html.escape(title),
        description="",
        script="",
        body=f'<div style="font-family:sans-serif;padding:1em 2em">{links_html}</div>',
    )
