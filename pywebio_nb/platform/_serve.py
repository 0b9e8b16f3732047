"""``pywebio-nb serve app.py|notebook.ipynb``: one app on a Tornado server.

A ``.py`` file is executed once as a module (as ``path_deploy`` does: under a
private module name, so its ``if __name__ == "__main__":`` block does not run)
and its ``main()`` is served; a notebook is served as an app whose code cells
run top to bottom once per visitor (:mod:`._notebook_app`). Either way the
server is :func:`~pywebio_nb.platform.tornado.start_server`'s: WebSocket,
reconnect, origin checks, payload limits.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
from typing import Any

from ._apps import AppFunc
from ._notebook_app import NotebookAppError, load_notebook_app
from ._sessions import DEFAULT_RECONNECT_TIMEOUT

__all__ = ["add_arguments", "load_app", "run"]


def load_app(path: pathlib.Path) -> AppFunc:
    """The app of a ``.py`` file (its ``main``) or of a notebook.

    Raises :class:`ValueError` (a :class:`NotebookAppError` for notebooks) saying
    what is wrong; a ``.py`` file's own exception while it executes propagates.
    """
    if path.suffix == ".ipynb":
        return load_notebook_app(path)
    if path.suffix != ".py":
        raise ValueError(f"{path}: expected a .py file or a .ipynb notebook")
    from .path_deploy import _AppLoader

    module = _AppLoader._execute(path.resolve())
    main = getattr(module, "main", None)
    if not callable(main):
        raise ValueError(f"{path}: no main() function to serve")
    return main  # type: ignore[no-any-return]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``pywebio-nb serve``."""
    parser.add_argument("target", help="a .py file with a main() function, or a .ipynb notebook")
    parser.add_argument("-p", "--port", type=int, default=8080, help="port (default 8080; 0: any)")
    parser.add_argument(
        "-H",
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; '' or 0.0.0.0: all interfaces)",
    )
    parser.add_argument(
        "--reconnect-timeout",
        type=float,
        default=DEFAULT_RECONNECT_TIMEOUT,
        help="seconds a page may reconnect to its session after a disconnection "
        f"(default {DEFAULT_RECONNECT_TIMEOUT:g}; 0: never)",
    )
    parser.add_argument(
        "--allowed-origins",
        nargs="*",
        default=None,
        help="origins allowed besides the server's own, shell wildcards allowed",
    )
    parser.add_argument(
        "--max-payload-size", default="200M", help="largest WebSocket message (default 200M)"
    )
    parser.add_argument("--static-dir", default=None, help="a directory served at /static/")
    parser.add_argument(
        "-d",
        "--debug",
        action="store_true",
        help="Tornado debug mode: restart when the app file, the notebook or a module changes",
    )
    parser.add_argument("--open", action="store_true", help="open the app in a web browser")


def run(args: argparse.Namespace) -> int:
    """Serve ``args.target`` until Ctrl-C or SIGTERM; 2 when it cannot be served."""
    path = pathlib.Path(args.target)
    if not path.is_file():
        print(f"pywebio-nb serve: {args.target!r} is not a file", file=sys.stderr)
        return 2
    # The app's own modules are importable, as when it runs from its directory.
    target = path.resolve()
    sys.path.insert(0, str(target.parent))
    if args.debug:
        # Debug mode restarts the server when a source file changes: the notebook
        # (or app file) too. The restart re-executes this command line in the
        # current directory, so it must name the file absolutely.
        import tornado.autoreload

        tornado.autoreload.watch(str(target))
        sys.argv = [str(target) if arg == args.target else arg for arg in sys.argv]
    if path.suffix == ".ipynb":
        # A notebook's kernel runs in the notebook's directory: relative paths
        # in its cells (data files) mean the same here.
        os.chdir(target.parent)
        path = pathlib.Path(path.name)
    try:
        app = load_app(path)
    except (NotebookAppError, ValueError) as exc:
        print(f"pywebio-nb serve: {exc}", file=sys.stderr)
        return 2
    from .tornado import start_server

    options: dict[str, Any] = {
        "port": args.port,
        "host": args.host,
        "debug": args.debug,
        "reconnect_timeout": args.reconnect_timeout,
        "allowed_origins": args.allowed_origins,
        "max_payload_size": args.max_payload_size,
        "static_dir": args.static_dir,
        "auto_open_webbrowser": args.open,
    }
    start_server(app, **options)
    return 0
