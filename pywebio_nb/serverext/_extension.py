"""The handlers of the Jupyter Server extension and their registration.

The app handler is :func:`~pywebio_nb.platform.tornado.webio_handler`'s class
(page on a plain GET, a session on a WebSocket GET of the same URL, reconnect,
TCP_NODELAY) mixed with Jupyter's ``JupyterHandler`` and ``WebSocketMixin``, the
way jupyter_server builds its own kernel WebSocket handler. So Jupyter decides
who may come in (its identity provider: token, cookie, or whatever a deployment
configured), checks the Host and the WebSocket Origin as it does for kernels,
and keeps the connection alive with its pings; pywebio_nb's code runs the
session. A request without Jupyter credentials gets 403 (the page too: it
carries a link to Jupyter's login), and the user must be authorized to execute
code (``execute`` on ``kernels``, as for a kernel WebSocket): an app is code.

A request path is resolved under the server's root directory with
``path_deploy``'s rules (decoded once; ``..``, encoded slashes, NUL, names
starting with ``.`` or ``_`` and symlinks leading out of the root answer 404).
"""

from __future__ import annotations

import html
import json
import logging
import pathlib
import threading
import traceback
import urllib.parse
from typing import Any

import tornado.ioloop
import tornado.web
import tornado.websocket
from jupyter_core.utils import ensure_async
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin
from jupyter_server.utils import url_path_join

from .. import __version__
from ..platform._apps import AppFunc
from ..platform._notebook_app import NotebookAppCache, NotebookAppError
from ..platform._page import STATIC_PATH, FrontendFileHandler
from ..platform._server import process_mode
from ..platform.path_deploy import _AppLoader, _NotServable, _RequestConfig, _segments
from ..platform.tornado import _HandlerConfig, webio_handler
from ._index import IndexHandler
from ._nodelay import NoDelayState, enable_kernel_nodelay
from ._shutdown import close_on_shutdown, close_sessions

__all__ = ["APPS_PREFIX", "load"]

logger = logging.getLogger("pywebio_nb.serverext")

#: Where the apps are, under the server's base URL.
APPS_PREFIX = "pywebio/apps/"
#: Where the frontend files of the app pages are, under the server's base URL.
STATIC_PREFIX = "pywebio/static/"
#: The extension's state in the Tornado application settings.
SETTINGS_KEY = "pywebio_nb"

_APP_SUFFIXES = (".py", ".ipynb")


class _State:
    """What the extension keeps for the life of the server (in the application settings)."""

    def __init__(self, root: pathlib.Path, nodelay: NoDelayState) -> None:
        self.root = root
        self.nodelay = nodelay
        self.scripts = _AppLoader()
        self.notebooks = NotebookAppCache()
        self._lock = threading.Lock()
        self._script_mtimes: dict[pathlib.Path, int] = {}

    def script_app(self, path: pathlib.Path) -> AppFunc:
        """The ``main`` of a ``.py`` file, executed again when the file changed on disk."""
        mtime = path.stat().st_mtime_ns
        with self._lock:
            reload = self._script_mtimes.get(path, mtime) != mtime
            self._script_mtimes[path] = mtime
        return self.scripts.app(path, reload=reload)

    def app(self, path: pathlib.Path) -> AppFunc:
        if path.suffix == ".ipynb":
            return self.notebooks.app(path)
        return self.script_app(path)


def resolve_app_file(root: pathlib.Path, raw_path: str) -> pathlib.Path:
    """The ``.py`` or ``.ipynb`` file ``raw_path`` (still percent-encoded) names under ``root``.

    Raises ``_NotServable`` for anything else, with path_deploy's rules.
    """
    parts = _segments("/" + raw_path)
    if not parts or not parts[-1].endswith(_APP_SUFFIXES):
        raise _NotServable(raw_path)
    try:
        real = root.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        raise _NotServable(raw_path) from None
    if root not in real.parents or not real.is_file() or real.suffix not in _APP_SUFFIXES:
        raise _NotServable(raw_path)  # a symlink out of the root, a directory
    return real


def _forbidden_page(handler: JupyterHandler) -> str:
    """The 403 page of an app URL: a link to Jupyter's login, which comes back here."""
    login = handler.settings.get("login_url") or url_path_join(handler.base_url, "login")
    target = urllib.parse.quote(handler.request.uri or "", safe="")
    return (
        "<!doctype html><title>403: Forbidden</title>"
        '<body style="font-family:sans-serif;padding:1em 2em">'
        "<h3>403: Forbidden</h3><p>This pywebio_nb app is served by a Jupyter server "
        "and needs its authentication.</p>"
        f'<p><a href="{html.escape(login)}?next={target}">Log in to Jupyter</a></p>'
    )


def _make_app_handler(
    state: _State, apps_prefix: str, static_url_prefix: str
) -> type[tornado.websocket.WebSocketHandler]:
    base = webio_handler(_placeholder, static_url_prefix=static_url_prefix)
    base_config: _HandlerConfig = base.config  # type: ignore[attr-defined]

    class PyWebIOAppHandler(WebSocketMixin, base, JupyterHandler):  # type: ignore[misc,valid-type]
        """Page and WebSocket of the app at ``<base_url>pywebio/apps/<path>``."""

        auth_resource = "kernels"

        def get_compression_options(self) -> Any:
            return self.settings.get("websocket_compression_options", None)

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            if (
                status_code == 403
                and self.request.headers.get("Upgrade", "").lower() != "websocket"
            ):
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(_forbidden_page(self))
                return
            super().write_error(status_code, **kwargs)

        def _plain(self, status: int, text: str) -> None:
            self.set_status(status)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(text)

        async def get(self, path: str) -> None:
            # prepare() (JupyterHandler's) has identified the user, if any. Jupyter
            # refuses nobody by itself (allow_unauthenticated_access is True by
            # default: each handler says what it needs), so check here, for the
            # page and the WebSocket alike.
            _require_user(self)
            authorized = await ensure_async(
                self.authorizer.is_authorized(self, self.current_user, "execute", "kernels")
            )
            if not authorized:
                raise tornado.web.HTTPError(403)
            # The path as sent (still percent-encoded): decoded once, by the resolver.
            raw = self.request.path.removeprefix(apps_prefix)
            try:
                file = resolve_app_file(state.root, raw)
            except _NotServable:
                self._plain(404, "404: Not Found\n")
                return
            try:
                # In a worker thread: executing a .py file (its imports) must not
                # stall Jupyter's event loop, which serves every kernel's messages.
                app = await tornado.ioloop.IOLoop.current().run_in_executor(None, state.app, file)
            except NotebookAppError as exc:
                self._plain(500, f"{exc}\n")
                return
            except _NotServable:
                self._plain(404, f"{file.name}: no main() function to serve\n")
                return
            except Exception:
                # The user may run any code on this server: the traceback is theirs to see.
                logger.exception("pywebio_nb: executing %s failed", file)
                self._plain(
                    500,
                    f"{file.relative_to(state.root)} failed to load:\n\n"
                    + "".join(traceback.format_exc(limit=-3)),
                )
                return
            # This request's own view of the shared configuration (sessions, static
            # prefix): the one app the path names, as in path_deploy.
            # (The handler's ``config`` class attribute comes before JupyterHandler's
            # ``config`` property in the MRO, hence an instance attribute works.)
            setattr(self, "config", _RequestConfig(base_config, {file.stem: app}))  # noqa: B010
            result = super().get()
            if result is not None:
                await result

    return PyWebIOAppHandler


def _placeholder() -> None:  # replaced per request by the app the path names
    raise RuntimeError("the pywebio_nb server extension served no app")


def _require_user(handler: JupyterHandler) -> None:
    """403 unless Jupyter identified a user (a redirect to the login page makes no sense
    for a WebSocket or a script; the app page's 403 links to the login page)."""
    if handler.current_user is None:
        handler.log.warning(
            "pywebio_nb: refused %s without Jupyter credentials", handler.request.path
        )
        raise tornado.web.HTTPError(403)


class StaticHandler(JupyterHandler, FrontendFileHandler):
    """The frontend files (``pywebio_nb/static/``) and the chart libraries
    (``lib/<name>.js``, cacheable, so apps need not get them as blobs), only for
    authenticated users."""

    auth_resource = "contents"

    def get(self, path: str, include_body: bool = True) -> Any:
        _require_user(self)
        return super().get(path, include_body)

    def head(self, path: str) -> Any:
        _require_user(self)
        return super().head(path)


class StatusHandler(APIHandler):
    """``GET <base_url>pywebio/api/status``: the extension is active; TCP_NODELAY counts."""

    @tornado.web.authenticated  # APIHandler: 403, never a redirect
    def get(self) -> None:
        state: _State = self.settings[SETTINGS_KEY]
        self.finish(
            json.dumps(
                {
                    "version": __version__,
                    "apps_url": url_path_join(self.base_url, APPS_PREFIX),
                    "kernel_websocket_nodelay": state.nodelay.as_dict(),
                }
            )
        )


def load(serverapp: Any) -> None:
    """Register the handlers on ``serverapp``'s web app and enable TCP_NODELAY."""
    # This process serves apps now: PyWebIO calls made outside any session (a thread
    # an app started without register_thread) raise SessionNotFoundException rather
    # than starting script mode's own server inside Jupyter.
    process_mode.claim("server")
    web_app = serverapp.web_app
    base_url: str = web_app.settings.get("base_url", "/")
    root = pathlib.Path(web_app.settings.get("server_root_dir") or serverapp.root_dir)
    state = _State(root.expanduser().resolve(), enable_kernel_nodelay(web_app, logger))
    web_app.settings[SETTINGS_KEY] = state
    static_prefix = url_path_join(base_url, STATIC_PREFIX)
    apps_prefix = url_path_join(base_url, APPS_PREFIX)
    app_handler = _make_app_handler(state, apps_prefix, static_prefix)
    # The server stops: its app sessions close (defer_call runs, pages see the close).
    config: _HandlerConfig = app_handler.config  # type: ignore[attr-defined]
    close_on_shutdown(serverapp, lambda: close_sessions(config))
    index = {
        "root": state.root,
        "loader": state.scripts,
        "apps_prefix": apps_prefix,
        "forbidden": _forbidden_page,
    }
    web_app.add_handlers(
        ".*$",
        [
            # A directory (the apps root, or a path ending in "/"): its index.
            (apps_prefix + "((?:.*/)?)", IndexHandler, index),
            (apps_prefix + "(.*)", app_handler),
            (static_prefix + "(.*)", StaticHandler, {"path": STATIC_PATH}),
            (url_path_join(base_url, "pywebio/api/status"), StatusHandler),
        ],
    )
    logger.info(
        "pywebio_nb %s: apps at %s (root %s); kernel WebSocket TCP_NODELAY %s",
        __version__,
        url_path_join(base_url, APPS_PREFIX),
        state.root,
        "on" if state.nodelay.patched else "NOT enabled",
    )
