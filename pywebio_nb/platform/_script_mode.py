"""Script mode: the PyWebIO API called in a plain ``python app.py``.

The manual: when a script never starts a server, the first PyWebIO call opens
a browser page and every later interaction happens on that page; when the
script exits the page goes inactive; if the page is closed first, later calls
raise ``SessionException`` (here ``SessionClosedException``, a subclass).

How, without a second session implementation: :func:`find_script_session` is a
session finder (``session._context``), asked only when the calling code has no
session of its own. On its first call it starts a local server on 127.0.0.1
(a free port, or ``$PYWEBIO_SCRIPT_MODE_PORT`` as in PyWebIO) serving one
*bridge* app, opens the browser (Python's ``webbrowser``, which honours
``BROWSER``; the URL is also printed on stderr) and waits for the page to
connect. The bridge, running as that connection's ordinary thread session,
hands its session over and then waits for the script to end; from then on
every thread of the script finds that session, with no registration needed
(as in PyWebIO's script mode). A second page that connects gets nothing.

The end: an ``atexit`` hook, which Python runs once every non-daemon thread has
finished (the manual's "when all non-daemonic threads finish"). If the page
has callbacks (buttons...) it waits for the page to close, as PyWebIO does;
then it closes the session (the page receives everything sent, then
``close_session``) and stops the server.

Script mode never starts in a process that started a server (``start_server``
there means server mode: unregistered threads get SessionNotFoundException),
inside an IPython kernel (the notebook runtime owns that), or in a process
that imported pytest: a test (or pytest's collection, which probes module
attributes such as ``pin.<name>``) calling the API outside a session gets
SessionNotFoundException rather than a browser and a wait for it.
"""

from __future__ import annotations

import atexit
import logging
import os
import pathlib
import sys
import threading

from ..exceptions import SessionClosedException
from ..session._base import Session
from ..session._context import get_current_session
from ._server import ServerHandle, _open_browser, kernel_shell, process_mode, start_in_thread

__all__ = ["PORT_ENV_VAR", "find_script_session"]

logger = logging.getLogger("pywebio_nb.platform")

#: Port of the script-mode server (PyWebIO's name); a free port when unset.
PORT_ENV_VAR = "PYWEBIO_SCRIPT_MODE_PORT"


class _ScriptMode:
    """The process's one script-mode session and its server."""

    def __init__(self) -> None:
        self._start_lock = threading.Lock()
        self._attach_lock = threading.Lock()
        self._session: Session | None = None
        self._handle: ServerHandle | None = None
        self._attached = threading.Event()
        self._released = threading.Event()

    def find(self) -> Session | None:
        session = self._session
        if session is not None:
            return session  # closed when the page went away: callers get SessionClosedException
        if "pytest" in sys.modules or kernel_shell() is not None:
            return None
        with self._start_lock:
            if self._session is None:
                if not process_mode.claim("script"):
                    return None  # a server runs here: no session means no session
                self._start()
        return self._session

    def _start(self) -> None:
        from .tornado import _close_live_sessions, _make_application

        application, config = _make_application({"index": self._bridge_app()})
        port = int(os.environ.get(PORT_ENV_VAR) or 0)
        self._handle = start_in_thread(
            application, host="127.0.0.1", port=port, on_shutdown=_close_live_sessions(config)
        )
        atexit.register(self._finish)
        print(
            f"PyWebIO script mode: the app runs in your browser at {self._handle.url} "
            "(open it yourself if no browser appears)",
            file=sys.stderr,
            flush=True,
        )
        _open_browser(self._handle.url)
        self._attached.wait()  # until the page connects, as PyWebIO does

    def _bridge_app(self) -> object:
        def script() -> None:
            session = get_current_session()
            with self._attach_lock:
                first = self._session is None
                if first:
                    self._session = session
            if not first:
                logger.warning("script mode: a second page connected; only the first one is used")
                return
            self._attached.set()
            self._released.wait()

        # The page's title: the script's name (config() or a docstring cannot apply).
        script.__doc__ = pathlib.Path(sys.argv[0]).name if sys.argv and sys.argv[0] else None
        return script

    def _finish(self) -> None:
        """At exit: keep a page with callbacks until it closes, then close and stop."""
        session = self._session
        try:
            if session is not None and not session.closed:
                if session.has_callbacks:
                    _wait_until_closed(session)
                session.close()
        finally:
            self._released.set()
            if self._handle is not None:
                self._handle.stop()


def _wait_until_closed(session: Session) -> None:
    try:
        mailbox = session.open_mailbox(session.new_task_id("script-end"))
        while True:
            mailbox.get()
    except SessionClosedException:
        return


_script_mode = _ScriptMode()  # process-wide by nature: one script, one page


def find_script_session() -> Session | None:
    """Session finder: the script-mode session, started on first use (see the module doc)."""
    return _script_mode.find()
