"""More control over the session (``pywebio.session`` of the PyWebIO manual)."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

from ..exceptions import SessionClosedException, SessionException, SessionNotFoundException
from ..protocol import SetEnvSpec, make_command
from ._base import Session, SessionLocal
from ._context import get_current_session, register_thread_session, root_var

__all__ = [
    "Session",
    "SessionClosedException",
    "SessionException",
    "SessionNotFoundException",
    "defer_call",
    "download",
    "eval_js",
    "get_current_session",
    "go_app",
    "hold",
    "info",
    "local",
    "register_thread",
    "run_js",
    "set_env",
]

F = TypeVar("F", bound=Callable[[], Any])


class _LocalProxy:
    """``local``: the session-local object of whichever session is current."""

    def _target(self) -> SessionLocal:
        return get_current_session().local

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._target(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._target(), name)

    def __getitem__(self, key: Any) -> Any:
        return self._target()[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._target()[key] = value

    def __contains__(self, key: Any) -> bool:
        return key in self._target()

    def __iter__(self) -> Any:
        return iter(self._target())


class _InfoProxy:
    """``info``: the session information object of the current session."""

    def __getattr__(self, name: str) -> Any:
        return getattr(get_current_session().info, name)

    def __getitem__(self, key: str) -> Any:
        return get_current_session().info[key]


#: Session-local storage: attributes not set read as None.
local = _LocalProxy()
#: Information about the current session (user agent, ip, request, ...).
info = _InfoProxy()


def run_js(code_: str, **args: Any) -> None:
    """Run JavaScript ``code_`` in the browser; ``args`` become local variables."""
    get_current_session().send(make_command("run_script", {"code": code_, "args": args}))


def eval_js(expression: str, **args: Any) -> Any:
    """Evaluate a JavaScript expression in the browser and return its (JSON) value.

    Promises are awaited (a rejected promise gives None). In a coroutine-based
    session, ``await eval_js(...)``.
    """
    session = get_current_session()
    return session.request(
        make_command("run_script", {"code": expression, "args": args, "eval": True})
    )


def require_app_server(session: Session, what: str) -> None:
    """Raise SessionException when ``session`` cannot navigate to another app."""
    if not session.serves_apps:
        raise SessionException(
            f"{what} navigates to another app of a PyWebIO server (start_server with "
            "several apps); multi-app navigation is server-only and a notebook cell has "
            "no other apps to go to"
        )


def go_app(name: str, new_window: bool = True) -> None:
    """Open the app ``name`` of the same server (``start_server`` with several apps).

    Server-only: in a notebook it raises SessionException.
    """
    session = get_current_session()
    require_app_server(session, f"go_app({name!r})")
    code = (
        "const url = '?app=' + encodeURIComponent(name);"
        "if (new_window) window.open(url); else window.location.href = url;"
    )
    session.send(
        make_command("run_script", {"code": code, "args": {"name": name, "new_window": new_window}})
    )


def download(name: str, content: bytes) -> None:
    """Send a file called ``name`` with ``content`` (bytes) to the browser's downloads."""
    encoded = base64.b64encode(content).decode("ascii")
    get_current_session().send(make_command("download", {"name": name, "content": encoded}))


def set_env(**env_info: Any) -> None:
    """Configure the page: title, output_animation, auto_scroll_bottom, ... (see manual)."""
    # Unknown keys travel as given (the manual's list grows); the renderer ignores them.
    get_current_session().send(make_command("set_env", cast(SetEnvSpec, env_info)))


def defer_call(func: F) -> F:
    """Call ``func()`` when the session closes; usable as a decorator."""
    get_current_session().defer_call(func)
    return func


def register_thread(thread: threading.Thread) -> None:
    """Let ``thread`` use PyWebIO functions of the current session (thread-based only).

    In a notebook it is not needed: every thread of the kernel may output, and
    a thread's output goes to the cell that started it when that cell
    registered it before starting it (to the newest cell's output otherwise).
    """
    session = get_current_session()
    if getattr(session, "loop", None) is not None:
        raise SessionException("register_thread() is only for thread-based sessions")
    if thread.ident is not None:
        register_thread_session(thread.ident, session)
        return
    original_run = thread.run
    root = session.default_root()  # the calling cell's output, in a notebook

    def run() -> None:
        register_thread_session(threading.get_ident(), session)
        root_var.set(root)
        original_run()

    thread.run = run  # type: ignore[method-assign]


def hold() -> None:
    """Keep the session alive until the browser closes (script mode only needs it)."""
    session = get_current_session()
    mailbox = session.open_mailbox(session.new_task_id("hold"))
    try:
        while True:
            mailbox.get()
    except SessionClosedException:
        return
