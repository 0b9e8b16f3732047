"""The notebook runtime: cell-root widgets, the kernel session and its event pump."""

from __future__ import annotations

from ._kernel_session import KernelSession, kernel_session
from ._widget import CellRoot

__all__ = ["CellRoot", "KernelSession", "kernel_session"]
