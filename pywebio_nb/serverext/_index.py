"""The index of the apps the server extension serves: ``<base_url>pywebio/apps/``.

A directory URL (the apps root, or a sub-directory ending in ``/``) lists what
``<base_url>pywebio/apps/<path>`` can serve there, as ``path_deploy``'s index
does: the ``.py`` files with a ``main()`` (titled by ``@config(title=...)`` or
``main``'s docstring, read by parsing the file, never by running it), the
notebooks (titled by their first Markdown heading), and the sub-directories.
Names starting with ``.`` or ``_`` are hidden, and so is whatever resolves
outside the server's root directory (symlinks); a path with ``..``, encoded
slashes or hidden names answers 404, with the app handler's rules.

Behind Jupyter's authentication like the apps: no credentials is 403 (a page
linking to Jupyter's login), and the user must be allowed to read ``contents``
(listing files is what the file browser does).
"""

from __future__ import annotations

import html
import json
import pathlib
import urllib.parse
from typing import Any

import tornado.ioloop
import tornado.web
from jupyter_core.utils import ensure_async
from jupyter_server.base.handlers import JupyterHandler

from ..platform._notebook_app import _title
from ..platform._page import render_index_page
from ..platform.path_deploy import _app_meta, _AppLoader, _NotServable, _segments

__all__ = ["IndexHandler", "index_html"]


def _notebook_title(path: pathlib.Path) -> str:
    """The notebook's first Markdown heading, or its name (unreadable: its name)."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(notebook, dict) and isinstance(notebook.get("cells"), list):
            return _title(notebook, path.stem)
    except (OSError, UnicodeDecodeError, ValueError):
        pass
    return path.stem


def _entry(href: str, title: str, name: str) -> str:
    return (
        f'<li><a href="{html.escape(href)}">{html.escape(title)}</a> '
        f"<code>{html.escape(name)}</code></li>"
    )


def index_html(loader: _AppLoader, root: pathlib.Path, directory: pathlib.Path) -> str:
    """The listing of ``directory`` (under ``root``, both resolved): apps, notebooks, dirs."""
    apps: list[str] = []
    dirs: list[str] = []
    for entry in sorted(directory.iterdir(), key=lambda p: p.name):
        if entry.name[0] in "._":
            continue
        try:
            real = entry.resolve(strict=True)
        except (OSError, RuntimeError):  # a dangling link, a loop
            continue
        if root not in real.parents:
            continue  # a symlink leading out of the root
        href = urllib.parse.quote(entry.name)
        if real.is_dir():
            dirs.append(f'<li><a href="{href}/">{html.escape(entry.name)}/</a></li>')
        elif real.is_file() and entry.suffix == ".py":
            has_main, title, _description = _app_meta(loader, real)
            if has_main:
                apps.append(_entry(href, title or entry.stem, entry.name))
        elif real.is_file() and entry.suffix == ".ipynb":
            apps.append(_entry(href, _notebook_title(real), entry.name))
    relative = directory.relative_to(root).as_posix()
    shown = "/" if relative == "." else f"/{relative}/"
    up = '<p><a href="../">..</a></p>' if relative != "." else ""
    return (
        f"<h3>PyWebIO apps in {html.escape(shown)}</h3>{up}"
        f"<ul>{''.join(apps) or '<li><i>No applications.</i></li>'}</ul>"
        + (f"<h4>Directories</h4><ul>{''.join(dirs)}</ul>" if dirs else "")
    )


def resolve_directory(root: pathlib.Path, raw_path: str) -> pathlib.Path:
    """The directory ``raw_path`` (percent-encoded, ``""`` or ending in ``/``) names under
    ``root``; raises ``_NotServable`` for anything else (path_deploy's rules)."""
    parts = _segments("/" + raw_path)
    try:
        real = root.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError):
        raise _NotServable(raw_path) from None
    if (real != root and root not in real.parents) or not real.is_dir():
        raise _NotServable(raw_path)
    return real


class IndexHandler(JupyterHandler):
    """``GET <base_url>pywebio/apps/[<dir>/]``: the index page of that directory."""

    auth_resource = "contents"

    def initialize(
        self, root: pathlib.Path, loader: _AppLoader, apps_prefix: str, forbidden: Any
    ) -> None:
        self._root = root
        self._loader = loader
        self._apps_prefix = apps_prefix
        self._forbidden = forbidden

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        if status_code == 403:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(self._forbidden(self))
            return
        super().write_error(status_code, **kwargs)

    async def get(self, path: str) -> None:
        # Jupyter refuses nobody by itself: each handler says what it needs.
        if self.current_user is None:
            raise tornado.web.HTTPError(403)
        authorized = await ensure_async(
            self.authorizer.is_authorized(self, self.current_user, "read", "contents")
        )
        if not authorized:
            raise tornado.web.HTTPError(403)
        raw = self.request.path.removeprefix(self._apps_prefix)  # as sent: decoded once
        try:
            directory = resolve_directory(self._root, raw)
        except _NotServable:
            self.set_status(404)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("404: Not Found\n")
            return
        # Parsing every .py file of a large directory must not stall Jupyter's loop.
        body = await tornado.ioloop.IOLoop.current().run_in_executor(
            None, index_html, self._loader, self._root, directory
        )
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(render_index_page(body, title="PyWebIO apps"))
