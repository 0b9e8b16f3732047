"""Deploy the apps of a directory by path (``pywebio.platform.path_deploy``).

Every ``.py`` file under ``base`` with a ``main`` function is an app, served at
its path without the extension: ``base/A/b.py`` at ``/A/b``. ``?reload``
re-executes the file before serving the page. A directory URL shows its
``index.py`` app, or else an index page listing the apps (with their titles, read
from ``@config(title=...)`` or the ``main`` docstring *without executing the
file*) and the sub-directories.

Names starting with ``_`` or ``.`` are invisible and not servable. A request
path is decoded exactly once and must then name a file or directory *inside*
``base``: ``..`` segments, encoded or double-encoded slashes and backslashes,
NUL bytes, empty segments and symlinks resolving outside ``base`` all answer
404, the same answer as a missing file, so nothing about the tree leaks.

The page and the WebSocket (or the HTTP polls and events of
:func:`path_deploy_http`) share the app's URL as in ``start_server``: the
handler is the one of :func:`~pywebio_nb.platform.tornado.webio_handler` (or
:func:`~pywebio_nb.platform.tornado_http.webio_handler`), given per request the
app that the path names.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import hashlib
import html
import importlib.util
import inspect
import logging
import os
import pathlib
import sys
import threading
import traceback
import types
import urllib.parse
from collections.abc import Callable, Sequence
from typing import Any

import tornado.web

from . import tornado_http
from ._apps import AppFunc
from ._config import docstring_meta, own_config
from ._page import render_index_page
from ._server import ServerHandle, make_application, serve, start_in_thread
from ._sessions import DEFAULT_RECONNECT_TIMEOUT
from .tornado import _close_live_sessions, static_route, webio_handler

__all__ = ["path_deploy", "path_deploy_http"]

logger = logging.getLogger("pywebio_nb.platform")

#: ``index(path) -> html``: a custom index page for a requested directory.
IndexFunc = Callable[[str], str]


class _NotServable(LookupError):
    """The path names nothing servable; always answered 404 (no reason given to the client)."""


@dataclasses.dataclass(frozen=True)
class _Target:
    """What a request path resolves to: an app file, or a directory (for its index)."""

    path: pathlib.Path
    is_dir: bool


def _segments(raw_path: str) -> list[str]:
    """The decoded segments of a request path; raises :class:`_NotServable` for tricks.

    ``raw_path`` is the path as sent (still percent-encoded). It is decoded once;
    a ``%`` left after decoding means double encoding. A trailing ``/`` is allowed
    (a directory); any other empty segment is not.
    """
    if not raw_path.startswith("/"):
        raise _NotServable(raw_path)
    # Split first, then decode each segment: an encoded slash stays inside its
    # segment, where it is refused below.
    raw_parts = raw_path[1:].split("/")
    if raw_parts[-1] == "":
        raw_parts.pop()  # "/A/" or "/"
    parts = []
    for raw in raw_parts:
        try:
            part = urllib.parse.unquote(raw, errors="strict")
        except UnicodeDecodeError:
            raise _NotServable(raw_path) from None
        if (
            not part
            or part[0] in "._"
            or part.strip() != part
            or any(c in part for c in "/\\%:\x00")
        ):
            raise _NotServable(raw_path)
        parts.append(part)
    return parts


def resolve_path(root: pathlib.Path, raw_path: str) -> _Target:
    """The app file or directory ``raw_path`` names under ``root`` (resolved, absolute).

    Raises :class:`_NotServable` when it names nothing servable.
    """
    parts = _segments(raw_path)
    candidate = root.joinpath(*parts)
    for target, is_dir in (
        (candidate.with_name(candidate.name + ".py"), False) if parts else (candidate, True),
        (candidate, True),
    ):
        try:
            real = target.resolve(strict=True)
        except (OSError, RuntimeError):  # missing, or a symlink loop
            continue
        if real != root and root not in real.parents:
            continue  # a symlink leading out of the root
        if is_dir and real.is_dir():
            return _Target(real, True)
        if not is_dir and real.is_file():
            return _Target(real, False)
    raise _NotServable(raw_path)


def _static_meta(path: pathlib.Path) -> tuple[bool, str, str]:
    """``(has_main, title, description)`` of an app file, by parsing it (never running it)."""
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return False, "", ""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "main":
            title = description = ""
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") in (
                    "config",
                    "pywebio_nb.config",
                ):
                    for keyword in decorator.keywords:
                        if isinstance(keyword.value, ast.Constant) and isinstance(
                            keyword.value.value, str
                        ):
                            if keyword.arg == "title":
                                title = keyword.value.value
                            elif keyword.arg == "description":
                                description = keyword.value.value
            doc = ast.get_docstring(node)
            shim = types.SimpleNamespace(__doc__=doc)
            doc_title, doc_description = docstring_meta(shim)
            return True, title or doc_title, description or doc_description
    return False, "", ""


class _AppLoader:
    """Executes app files as modules, once each; ``reload`` executes one again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._modules: dict[pathlib.Path, types.ModuleType] = {}

    def cached(self, path: pathlib.Path) -> types.ModuleType | None:
        with self._lock:
            return self._modules.get(path)

    def app(self, path: pathlib.Path, reload: bool = False) -> AppFunc:
        """The ``main`` of ``path``; raises :class:`_NotServable` when it has none."""
        with self._lock:
            module = None if reload else self._modules.get(path)
            if module is None:
                module = self._execute(path)
                self._modules[path] = module
        main = getattr(module, "main", None)
        if not callable(main):
            raise _NotServable(str(path))
        return main  # type: ignore[no-any-return]

    @staticmethod
    def _execute(path: pathlib.Path) -> types.ModuleType:
        # A private, unique module name: two files called app.py in different
        # directories must not replace each other in sys.modules.
        digest = hashlib.sha1(str(path).encode()).hexdigest()[:12]
        name = f"_pywebio_nb_deploy_{path.stem}_{digest}"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise _NotServable(str(path))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        return module


def _app_meta(loader: _AppLoader, path: pathlib.Path) -> tuple[bool, str, str]:
    module = loader.cached(path)
    main = getattr(module, "main", None) if module is not None else None
    if callable(main):
        title = own_config(main).title or docstring_meta(main)[0]
        description = own_config(main).description or docstring_meta(main)[1]
        return True, title, description
    return _static_meta(path)


def default_index_html(
    loader: _AppLoader, root: pathlib.Path, directory: pathlib.Path, url_path: str
) -> str:
    """The generated index of ``directory``: its apps (titles, descriptions) and sub-directories.

    Lists only what can be served: no hidden names, no symlinks leading out of ``root``.
    """
    apps: list[str] = []
    dirs: list[str] = []
    for entry in sorted(directory.iterdir(), key=lambda p: p.name):
        if entry.name[0] in "._":
            continue
        try:
            real = entry.resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if root not in real.parents:
            continue
        href = urllib.parse.quote(entry.name)
        if entry.is_dir():
            dirs.append(f'<li><a href="{href}/">{html.escape(entry.name)}/</a></li>')
        elif entry.suffix == ".py" and entry.stem != "index" and entry.is_file():
            has_main, title, description = _app_meta(loader, entry)
            if not has_main:
                continue
            label = html.escape(title or entry.stem)
            text = f": {html.escape(description)}" if description else ""
            apps.append(
                f'<li><a href="{urllib.parse.quote(entry.stem)}">{label}</a>'
                f" <code>{html.escape(entry.stem)}</code>{text}</li>"
            )
    up = '<p><a href="../">..</a></p>' if url_path.strip("/") else ""
    return (
        f"<h3>Index of {html.escape(url_path)}</h3>{up}"
        f"<ul>{''.join(apps) or '<li><i>No applications.</i></li>'}</ul>"
        + (f"<h4>Directories</h4><ul>{''.join(dirs)}</ul>" if dirs else "")
    )


class _RequestConfig:
    """A handler configuration seen with other ``apps``: everything else is the shared one.

    Reads and writes of any other attribute go to the shared configuration, so
    state a handler creates lazily (the HTTP session sweeper) stays shared.
    """

    def __init__(self, shared: Any, apps: dict[str, AppFunc]) -> None:
        object.__setattr__(self, "_shared", shared)
        object.__setattr__(self, "apps", apps)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._shared, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._shared, name, value)


def _make_path_handler(
    root: pathlib.Path,
    index: bool | IndexFunc,
    base_handler: type[tornado.web.RequestHandler],
) -> type[tornado.web.RequestHandler]:
    loader = _AppLoader()
    base_config: Any = base_handler.config  # type: ignore[attr-defined]

    class PathDeployHandler(base_handler):  # type: ignore[valid-type,misc]
        """Page and WebSocket (or HTTP polls) of the app the request path names."""

        def _not_found(self) -> None:
            self.set_status(404)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("404: Not Found\n")

        async def post(self, *args: Any, **kwargs: Any) -> None:
            # HTTP polling's events: only at a path that names something servable.
            try:
                resolve_path(root, self.request.path)
            except _NotServable:
                self._not_found()
                return
            result = super().post(*args, **kwargs)
            if inspect.isawaitable(result):
                await result

        async def get(self, *args: Any, **kwargs: Any) -> None:
            raw_path = self.request.path
            # The page's own GET, not its WebSocket nor an HTTP poll.
            page_load = (
                self.request.headers.get("Upgrade", "").lower() != "websocket"
                and tornado_http.SESSION_HEADER not in self.request.headers
            )
            try:
                target = resolve_path(root, raw_path)
                if target.is_dir and not raw_path.endswith("/"):
                    query = f"?{self.request.query}" if self.request.query else ""
                    self.redirect(raw_path + "/" + query)
                    return
                app_file = target.path / "index.py" if target.is_dir else target.path
                if target.is_dir and not (app_file.is_file() and _static_meta(app_file)[0]):
                    if not page_load or index is False:
                        raise _NotServable(raw_path)
                    url_path = urllib.parse.unquote(raw_path)
                    body = (
                        index(str(target.path))
                        if callable(index)
                        else default_index_html(loader, root, target.path, url_path)
                    )
                    self.set_header("Content-Type", "text/html; charset=utf-8")
                    self.set_header("Cache-Control", "no-cache")
                    self.finish(render_index_page(body, title=f"Index of {url_path}"))
                    return
                # Reload on the page's GET only: its WebSocket URL carries ?reload too.
                reload = page_load and self.get_query_argument("reload", None) is not None
                try:
                    app = loader.app(app_file, reload=reload)
                except _NotServable:
                    raise
                except Exception as exc:
                    logger.exception("path_deploy: executing %s failed", app_file)
                    # The traceback (file paths, source lines) only in debug mode.
                    detail = (
                        "".join(traceback.format_exc(limit=-3))
                        if self.settings.get("debug")
                        else f"{type(exc).__name__}: {exc}\n"
                    )
                    self.set_status(500)
                    self.set_header("Content-Type", "text/plain; charset=utf-8")
                    self.finish(f"{app_file.relative_to(root)} failed to load:\n\n{detail}")
                    return
            except _NotServable:
                self._not_found()
                return
            name = app_file.stem if app_file.stem != "index" else app_file.parent.name
            # This request's own view of the handler configuration: the same shared
            # state (sessions, origin check, cdn), with the one app it serves.
            self.config = _RequestConfig(base_config, {name or "index": app})
            await super().get(*args, **kwargs)

    return PathDeployHandler


def _placeholder() -> None:  # replaced per request by the app the path names
    raise RuntimeError("path_deploy served no app")


def _make_application(
    base: str | os.PathLike[str],
    *,
    http: bool = False,
    index: bool | IndexFunc = True,
    static_dir: str | None = None,
    reconnect_timeout: float = DEFAULT_RECONNECT_TIMEOUT,
    cdn: bool | str = True,
    debug: bool = False,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    session_expire_seconds: float | None = None,
    session_cleanup_interval: float | None = None,
    max_payload_size: int | str = "200M",
    **tornado_app_settings: Any,
) -> tuple[tornado.web.Application, Callable[[], None]]:
    """The Application and its shutdown hook: WebSocket, or HTTP polling if ``http``."""
    root = pathlib.Path(base).resolve()
    if not root.is_dir():
        raise ValueError(f"path_deploy needs a directory, {str(base)!r} is not one")
    base_handler: type[tornado.web.RequestHandler]
    if http:
        base_handler = tornado_http.webio_handler(
            _placeholder,
            cdn=cdn,
            session_expire_seconds=session_expire_seconds,
            session_cleanup_interval=session_cleanup_interval,
            allowed_origins=allowed_origins,
            check_origin=check_origin,
        )
        on_shutdown = base_handler.config.close_all  # type: ignore[attr-defined]
    else:
        base_handler = webio_handler(
            _placeholder,
            cdn=cdn,
            reconnect_timeout=reconnect_timeout,
            allowed_origins=allowed_origins,
            check_origin=check_origin,
        )
        on_shutdown = _close_live_sessions(base_handler.config)  # type: ignore[attr-defined]
    handler = _make_path_handler(root, index, base_handler)
    # The frontend's route first: its prefix starts with "_", never an app path;
    # /static/ before the catch-all too (a directory named "static" is shadowed).
    routes: list[Any] = [static_route()]
    if static_dir is not None:
        routes.append((r"/static/(.*)", tornado.web.StaticFileHandler, {"path": static_dir}))
    routes.append((r"/.*", handler))
    application = make_application(
        routes, debug=debug, max_payload_size=max_payload_size, **tornado_app_settings
    )
    return application, on_shutdown


def path_deploy(
    base: str | os.PathLike[str],
    port: int = 0,
    host: str = "",
    index: bool | IndexFunc = True,
    static_dir: str | None = None,
    reconnect_timeout: float = DEFAULT_RECONNECT_TIMEOUT,
    cdn: bool | str = True,
    debug: bool = False,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    max_payload_size: int | str = "200M",
    **tornado_app_settings: Any,
) -> ServerHandle | None:
    """Deploy the PyWebIO applications from a directory (WebSocket).

    A ``.py`` file under ``base`` with a ``main`` function is an app, reachable at
    its path without ``.py``: ``base/A/b.py`` at ``http://host:port/A/b``.
    ``http://host:port/A/b?reload`` executes the file again first (after you
    edited it). Files and directories whose names start with ``_`` (or ``.``)
    can't be seen or run.

    :param base: the directory of the apps.
    :param port: the port to listen on (0: a free one, printed).
    :param host: the address to listen on; ``""`` means all interfaces.
    :param index: ``True``: a directory's URL shows a generated index of its apps
        (with their titles) and sub-directories; ``False``: 404; a function
        ``index(directory_path) -> html`` makes the index page. An ``index.py``
        app in a directory overrides the index of that directory.
    :param static_dir: a directory served at ``/static/``.
    :param reconnect_timeout: seconds a page whose connection dropped may come back
        to its session, as for :func:`~pywebio_nb.platform.tornado.start_server`
        (default 60; 0: the session ends with the connection).

    The other arguments mean the same as for
    :func:`~pywebio_nb.platform.tornado.start_server`. Blocks until stopped in a
    script; returns the running :class:`ServerHandle` in a notebook.
    """
    application, on_shutdown = _make_application(
        base,
        index=index,
        static_dir=static_dir,
        reconnect_timeout=reconnect_timeout,
        cdn=cdn,
        debug=debug,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        max_payload_size=max_payload_size,
        **tornado_app_settings,
    )
    return serve(
        application,
        port=port,
        host=host,
        max_payload_size=max_payload_size,
        on_shutdown=on_shutdown,
    )


def _path_deploy_in_thread(
    base: str | os.PathLike[str],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    max_payload_size: int | str = "200M",
    **kwargs: Any,
) -> ServerHandle:
    """:func:`path_deploy` (``http=True``: :func:`path_deploy_http`) in a background thread.

    For tests; returns once listening.
    """
    application, on_shutdown = _make_application(base, max_payload_size=max_payload_size, **kwargs)
    return start_in_thread(
        application,
        host=host,
        port=port,
        max_payload_size=max_payload_size,
        on_shutdown=on_shutdown,
    )


def path_deploy_http(
    base: str | os.PathLike[str],
    port: int = 0,
    host: str = "",
    index: bool | IndexFunc = True,
    static_dir: str | None = None,
    cdn: bool | str = True,
    debug: bool = False,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    session_expire_seconds: float | None = None,
    session_cleanup_interval: float | None = None,
    max_payload_size: int | str = "200M",
    **tornado_app_settings: Any,
) -> ServerHandle | None:
    """Deploy the PyWebIO applications from a directory over HTTP polling.

    The ``base``, ``port``, ``host``, ``index`` and ``static_dir`` arguments mean
    the same as for :func:`path_deploy`; the others the same as for
    :func:`pywebio_nb.platform.tornado_http.start_server`
    (``session_expire_seconds``, ``session_cleanup_interval``: an app's session
    that sends no request for that long is closed).
    """
    application, on_shutdown = _make_application(
        base,
        http=True,
        index=index,
        static_dir=static_dir,
        cdn=cdn,
        debug=debug,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        session_expire_seconds=session_expire_seconds,
        session_cleanup_interval=session_cleanup_interval,
        max_payload_size=max_payload_size,
        **tornado_app_settings,
    )
    return serve(
        application,
        port=port,
        host=host,
        max_payload_size=max_payload_size,
        on_shutdown=on_shutdown,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """The ``pywebio-nb-path-deploy`` command: :func:`path_deploy` from the shell."""
    parser = argparse.ArgumentParser(
        prog="pywebio-nb-path-deploy",
        description="Deploy the PyWebIO applications of a directory: every .py file "
        "with a main() function is an app at its path (A/b.py at /A/b).",
    )
    parser.add_argument("base", help="the directory of the apps")
    parser.add_argument("-p", "--port", type=int, default=8080, help="port (default 8080)")
    parser.add_argument("-H", "--host", default="", help="address to listen on (default: all)")
    parser.add_argument(
        "--no-index", action="store_true", help="no generated index page for directories"
    )
    parser.add_argument("--static-dir", default=None, help="a directory served at /static/")
    parser.add_argument(
        "--reconnect-timeout",
        type=float,
        default=DEFAULT_RECONNECT_TIMEOUT,
        help="seconds a page may reconnect to its session after a disconnection "
        f"(default {DEFAULT_RECONNECT_TIMEOUT:g}; 0: never)",
    )
    parser.add_argument(
        "--cdn", default=None, help="base URL serving the frontend files (default: this server)"
    )
    parser.add_argument("-d", "--debug", action="store_true", help="Tornado debug mode")
    parser.add_argument(
        "--allowed-origins",
        nargs="*",
        default=None,
        help="origins allowed besides the server's own, shell wildcards allowed",
    )
    parser.add_argument(
        "--max-payload-size", default="200M", help="largest WebSocket message (default 200M)"
    )
    parser.add_argument("--http", action="store_true", help="HTTP polling instead of WebSocket")
    parser.add_argument(
        "--session-expire-seconds",
        type=float,
        default=None,
        help="with --http: close a session without requests for this long (default 60)",
    )
    parser.add_argument(
        "--session-cleanup-interval",
        type=float,
        default=None,
        help="with --http: how often expired sessions are looked for (default 120)",
    )
    args = parser.parse_args(argv)
    if not os.path.isdir(args.base):
        parser.error(f"{args.base!r} is not a directory")
    options: dict[str, Any] = {
        "port": args.port,
        "host": args.host,
        "index": not args.no_index,
        "static_dir": args.static_dir,
        "cdn": args.cdn or True,
        "debug": args.debug,
        "allowed_origins": args.allowed_origins,
        "max_payload_size": args.max_payload_size,
    }
    if args.http:
        path_deploy_http(
            args.base,
            session_expire_seconds=args.session_expire_seconds,
            session_cleanup_interval=args.session_cleanup_interval,
            **options,
        )
    else:
        path_deploy(args.base, reconnect_timeout=args.reconnect_timeout, **options)


if __name__ == "__main__":
    main()
