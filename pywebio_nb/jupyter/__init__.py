"""The notebook runtime: cell-root widgets, the kernel session and its event pump.

Importing it registers :func:`find_kernel_session` with the session core, so
PyWebIO calls in a kernel find the kernel's session. (``pywebio_nb`` imports
this package itself when it is imported inside an IPython kernel.)
"""

from __future__ import annotations

from ..session._context import register_session_finder
from ._kernel_session import (
    KernelSession,
    find_kernel_session,
    kernel_session,
    track_thread_starts,
)
from ._widget import CellRoot

__all__ = ["CellRoot", "KernelSession", "find_kernel_session", "kernel_session"]

register_session_finder(find_kernel_session)
track_thread_starts()  # a thread started in a cell writes into that cell
