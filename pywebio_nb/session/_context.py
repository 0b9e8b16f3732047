"""Finding the session (and the scope stack) of the calling code.

The current session is looked up, in order, in a ``ContextVar`` (set for the
app's thread or task and for every callback), in the registry of threads
registered with ``register_thread()``, and finally in the running IPython
kernel, whose single kernel session serves every cell and thread.
"""

from __future__ import annotations

import contextvars
import sys
import threading
from typing import TYPE_CHECKING

from ..exceptions import SessionNotFoundException
from ._page_model import ROOT

if TYPE_CHECKING:
    from ._base import Session

__all__ = [
    "get_current_session",
    "register_thread_session",
    "root_var",
    "scope_stack_var",
    "session_var",
]

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
    if "ipykernel" in sys.modules:
        from ..jupyter._kernel_session import kernel_session

        session = kernel_session(create=True)
        if session is not None:
            return session
    raise SessionNotFoundException(
        "No PyWebIO session is active here. Call PyWebIO functions inside an app run by "
        "start_server(), in a thread registered with register_thread(), or in a Jupyter "
        "notebook cell."
    )
