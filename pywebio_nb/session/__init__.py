"""More control over the session (``pywebio.session`` of the PyWebIO manual)."""

from __future__ import annotations

import asyncio
import mimetypes
import threading
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar, cast

from ..exceptions import SessionClosedException, SessionException, SessionNotFoundException
from ..protocol import SetEnvSpec, make_command
from ._base import Session, SessionLocal, ThreadSession
from ._context import get_current_session, register_thread_session, root_var
from ._tasks import TaskHandler, current_task_id, start_on_running_loop

__all__ = [
    "Session",
    "SessionClosedException",
    "SessionException",
    "SessionNotFoundException",
    "TaskHandler",
    "defer_call",
    "download",
    "eval_js",
    "get_current_session",
    "get_current_task_id",
    "go_app",
    "hold",
    "info",
    "local",
    "register_thread",
    "run_async",
    "run_asyncio_coroutine",
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

    def __delitem__(self, key: Any) -> None:
        del self._target()[key]

    def __iter__(self) -> Any:
        return iter(self._target())

    def __repr__(self) -> str:
        try:
            return repr(self._target())
        except SessionNotFoundException:
            return "<pywebio_nb.session.local (no session here)>"


class _InfoProxy:
    """``info``: the session information object of the current session."""

    def __getattr__(self, name: str) -> Any:
        return getattr(get_current_session().info, name)

    def __getitem__(self, key: str) -> Any:
        return get_current_session().info[key]


#: The session-local object of the current session: a dictionary whose keys are
#: attributes too. ``local.name = 'x'``; an attribute never set reads as None;
#: ``local[10] = '10'``; ``'name' in local``; ``for key in local``; ``local._dict``
#: is the underlying dict. Each session sees only its own; in a notebook the
#: session is the kernel, so ``local`` is shared by every cell of the kernel.
local = _LocalProxy()
#: Information about the current session (user agent, ip, request, ...).
info = _InfoProxy()


def run_js(code_: str, **args: Any) -> None:
    """Run JavaScript ``code_`` in the browser; ``args`` become local variables."""
    get_current_session().send(make_command("run_script", {"code": code_, "args": args}))


def eval_js(expression: str, **args: Any) -> Any:
    """Evaluate a JavaScript expression in the browser and return its value.

    The value must be JSON-serializable (anything else gives None). When it is
    a promise, the promise's value is returned; a rejected promise (or code that
    throws) gives None. ``args`` become local variables of the code.

    In a coroutine-based session, ``await eval_js(...)``. In a notebook it runs
    in the browser showing the notebook and blocks the cell until the answer
    comes, like ``input()``.
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
    """Send a file called ``name`` with ``content`` (a bytes-like object) to the browser,
    which saves it as a download.

    The bytes travel as binary data (WebSocket binary frames, comm buffers in a
    notebook), never inside JSON. In a notebook the browser showing the
    notebook saves the file.
    """
    session = get_current_session()
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    ref = session.blobs.add(content, mime)
    session.send(make_command("download", {"name": name, "content": ref}))


#: The keys of ``set_env``, as in the manual.
ENV_KEYS = frozenset(SetEnvSpec.__annotations__)
#: Keys that configure the whole page: a notebook cell has no page of its own.
PAGE_ONLY_ENV_KEYS = frozenset(
    {
        "title",
        "http_pull_interval",
        "input_panel_fixed",
        "input_panel_min_height",
        "input_panel_init_height",
    }
)


def set_env(**env_info: Any) -> None:
    """Configure the current session's page.

    Keys (as in PyWebIO's manual):

    * ``title`` (str): the page title.
    * ``output_animation`` (bool): animate new output (on by default).
    * ``auto_scroll_bottom`` (bool): scroll to the bottom after output to the ROOT
      scope (off by default).
    * ``http_pull_interval`` (int): milliseconds between polls of the HTTP
      protocol (default 1000); only used by HTTP sessions.
    * ``input_panel_fixed`` (bool): keep the input panel at the bottom of the
      window; ``input_panel_min_height`` / ``input_panel_init_height`` (int,
      pixels, at least 75 / 175) size it then. Our input panel sits inline below
      the output unless ``input_panel_fixed=True`` is set.
    * ``input_auto_focus`` (bool): focus the first input of a new form (default True).
    * ``output_max_width`` (str): the content's maximum width, ``'1080px'`` or
      ``'80%'`` (default 880px).

    An unknown key raises TypeError (PyWebIO refuses it too). The values are
    kept in ``get_current_session().env``.

    In a notebook the per-output keys (``output_animation``, ``auto_scroll_bottom``,
    ``input_auto_focus``, ``output_max_width``) apply to every cell output of the
    kernel from then on; the page-wide keys (``title``, ``http_pull_interval`` and
    the ``input_panel_*`` keys) only make sense for a server page: they are
    ignored there with a warning, so a server app's code still runs in a cell.
    """
    unknown = sorted(set(env_info) - ENV_KEYS)
    if unknown:
        raise TypeError(
            f"set_env() got unknown key(s) {', '.join(map(repr, unknown))}; "
            f"expected some of {', '.join(sorted(ENV_KEYS))}"
        )
    session = get_current_session()
    spec = dict(env_info)
    if not session.serves_apps:  # a notebook kernel: no page of its own
        ignored = sorted(set(spec) & PAGE_ONLY_ENV_KEYS)
        if ignored:
            warnings.warn(
                f"set_env({', '.join(ignored)}) configures a server page and is ignored in "
                "a notebook (it is server-only); output_animation, auto_scroll_bottom, "
                "input_auto_focus and output_max_width apply to the notebook's output",
                stacklevel=2,
            )
            for key in ignored:
                del spec[key]
    if spec:
        # Sent before it joins session.env: a notebook cell root made by this very
        # send gets the earlier keys, then this command.
        session.send(make_command("set_env", cast(SetEnvSpec, spec)))
    session.env.update(spec)


def defer_call(func: F) -> F:
    """Call ``func()`` when the session closes, whatever closes it; returns ``func``.

    The app returning (when nothing keeps the page open), the user closing the
    page, the server stopping and ``close()`` all run the functions once, in the
    order they were set; an error in one is logged and the others still run.
    Usable as a decorator (``@defer_call``). PyWebIO's interactive functions
    cannot be used inside them (the session is closed). In a notebook the
    session is the kernel's: the functions run when the kernel shuts down.
    """
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
        # RuntimeError as PyWebIO raises it (and as run_async() does in a thread app).
        raise RuntimeError(
            "register_thread() is only for thread-based sessions (a def app); a coroutine "
            "app runs concurrent work with run_async()"
        )
    if isinstance(session, ThreadSession):
        session.registered_threads.append(thread)
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


def hold() -> Any:
    """Keep the session alive until the browser page is closed.

    A server keeps a page with callbacks open by itself; the only use left is
    script mode. In a coroutine-based session, ``await hold()``. In a notebook
    it returns at once: the kernel keeps its session for as long as it runs.
    """
    session = get_current_session()
    if not session.serves_apps:  # a notebook kernel: nothing would ever end the wait
        return None
    mailbox = session.open_mailbox(session.new_task_id("hold"))
    if session.awaiting():
        return _hold_async(mailbox)
    try:
        while True:
            mailbox.get()
    except SessionClosedException:
        return None


async def _hold_async(mailbox: Any) -> None:
    try:
        while True:
            await mailbox.aget()
    except SessionClosedException:
        return


def _coroutine_session(what: str, coro: object) -> Any:
    """The current session when it is coroutine-based, else RuntimeError (as PyWebIO).

    A refused coroutine is closed, so it does not also warn "never awaited".
    """
    session = get_current_session()
    if not hasattr(session, "run_async"):
        if asyncio.iscoroutine(coro):
            coro.close()
        raise RuntimeError(
            f"{what} can only be used in a coroutine-based session (an async def app run "
            f"by start_server); this is a {type(session).__name__}. In a def app, start a "
            "threading.Thread and register_thread() it."
        )
    return session


def run_async(coro_obj: Coroutine[Any, Any, Any]) -> TaskHandler:
    """Run the coroutine object ``coro_obj`` as a task of the current session.

    PyWebIO functions are available in it, and it runs concurrently with the
    app (whose ``await input(...)`` does not stop it). Returns a
    :class:`TaskHandler`: ``close()`` stops the task, ``closed()`` says whether
    it ended. The session closes its tasks when it closes, and stays open while
    one runs after the app returned.

    Only in a coroutine-based session (an ``async def`` app) or a notebook;
    in a thread-based session it raises RuntimeError, as PyWebIO does. In a
    notebook the task runs on the kernel's event loop and writes into the cell
    that started it, also after that cell ended; it starts when the cell yields
    (an ``await``) or ends, and a cell waiting in ``input()`` holds it back.
    """
    if not asyncio.iscoroutine(coro_obj):
        raise TypeError(f"run_async() takes a coroutine object, got {type(coro_obj).__name__}")
    current = get_current_session()
    if not current.serves_apps:  # a notebook kernel
        return start_on_running_loop(current, coro_obj)
    session = _coroutine_session("run_async()", coro_obj)
    handler: TaskHandler = session.run_async(coro_obj)
    return handler


def run_asyncio_coroutine(coro_obj: Coroutine[Any, Any, Any]) -> Awaitable[Any]:
    """``await run_asyncio_coroutine(coro)``: run an asyncio coroutine and get its result.

    PyWebIO needs it when the session's thread is not the asyncio loop's; here a
    coroutine-based session always runs on the server's asyncio loop, so it
    simply awaits ``coro_obj`` (kept for code written for PyWebIO). Only in a
    coroutine-based session, or in a notebook cell that awaits (``await main()``:
    the cell's loop runs it); elsewhere it raises RuntimeError, as PyWebIO does.
    """
    if not get_current_session().awaiting():
        _coroutine_session("run_asyncio_coroutine()", coro_obj)
    if not asyncio.iscoroutine(coro_obj):
        raise TypeError(
            f"run_asyncio_coroutine() takes a coroutine object, got {type(coro_obj).__name__}"
        )
    return coro_obj


def get_current_task_id() -> str:
    """The id of the calling task in the current session.

    In a coroutine-based session, the asyncio task's name (the app's task, a
    ``run_async`` task, a callback); elsewhere ``<thread name>-<thread id>``.
    Raises SessionNotFoundException outside a session.
    """
    get_current_session()
    return current_task_id()
