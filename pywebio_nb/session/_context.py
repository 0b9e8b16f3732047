"""Finding the session (and the scope stack) of the calling code.

The current session is looked up, in order, in a ``ContextVar`` (set for the
app's thread or task and for every callback), in the registry of threads
registered with ``register_thread()``, and finally by the *session finders*
that runtimes register with :func:`register_session_finder`. The notebook
runtime (``pywebio_nb.jupyter``) registers one when it is imported: in an
IPython kernel, the kernel's single session serves every cell and thread. This
module never imports a runtime; the arrow points from the runtime down to here.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..exceptions import SessionNotFoundException
from ._page_model import ROOT

if TYPE_CHECKING:
    from ._base import Session

__all__ = [
    "SessionFinder",
    "current_root",
    "current_scope_stack",
    "current_session",
    "get_current_session",
    "register_session_finder",
    "register_thread_session",
    "root_var",
    "scope_stack_var",
    "session_var",
    "unregister_session_finder",
]

#: Returns the session for the calling code, or None when it has none to offer.
SessionFinder = Callable[[], "Session | None"]

session_var: contextvars.ContextVar[Session | None] = contextvars.ContextVar(
    "pywebio_nb_session", default=None
)
#: The runtime scope stack of the calling task (``use_scope`` pushes onto it).
scope_stack_var: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "pywebio_nb_scope_stack", default=(ROOT,)
)
#: The root (page or notebook cell widget) the calling code writes into.
root_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "pywebio_nb_root", default=None
)

# Their ``get`` bound once: ``session_var.get()`` on a name imported from this
# module looks ``get`` up and makes a bound method on every call (Python 3.11
# does not specialize it); the hot path (put_text in a loop) reads three of them.
#: ``session_var.get``
current_session = session_var.get
#: ``scope_stack_var.get``
current_scope_stack = scope_stack_var.get
#: ``root_var.get``
current_root = root_var.get


class _ThreadRegistry:
    """Threads registered with ``register_thread()``, keyed by thread id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[int, Session] = {}

    def register(self, thread_id: int, session: Session) -> None:
        with self._lock:
            self._sessions[thread_id] = session

    def unregister_session(self, session: Session) -> None:
        with self._lock:
            for key in [k for k, v in self._sessions.items() if v is session]:
                del self._sessions[key]

    def lookup(self, thread_id: int) -> Session | None:
        with self._lock:
            return self._sessions.get(thread_id)


registry = _ThreadRegistry()

_finders: list[SessionFinder] = []
_finders_lock = threading.Lock()


def register_session_finder(finder: SessionFinder) -> None:
    """Ask ``finder()`` for the session when neither the context nor a thread has one.

    Finders are tried in registration order; registering one twice has no effect.
    """
    with _finders_lock:
        if finder not in _finders:
            _finders.append(finder)


def unregister_session_finder(finder: SessionFinder) -> None:
    """Stop asking ``finder`` (no error when it was not registered)."""
    with _finders_lock:
        if finder in _finders:
            _finders.remove(finder)


def register_thread_session(thread_id: int, session: Session) -> None:
    """Make ``session`` current for the thread ``thread_id``."""
    registry.register(thread_id, session)


def get_current_session() -> Session:
    """The session of the calling code; raises SessionNotFoundException."""
    session = session_var.get()
    if session is not None:
        return session
    session = registry.lookup(threading.get_ident())
    if session is not None:
        return session
    with _finders_lock:
        finders = list(_finders)
    for finder in finders:
        session = finder()
        if session is not None:
            return session
    raise SessionNotFoundException(
        "No PyWebIO session is active here. Call PyWebIO functions inside an app run by "
        "start_server(), in a thread registered with register_thread(), or in a Jupyter "
        "notebook cell."
    )
