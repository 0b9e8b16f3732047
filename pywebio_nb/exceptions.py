"""Exceptions raised by pywebio_nb, following PyWebIO's small hierarchy."""

from __future__ import annotations

__all__ = [
    "NoFrontendError",
    "SessionClosedException",
    "SessionException",
    "SessionNotFoundException",
]


class SessionException(Exception):
    """Base class of the session errors."""


class SessionClosedException(SessionException):
    """The session is closed (the browser tab went away or the app ended).

    Raised by a pending or new interactive call such as ``input()``.
    """


class SessionNotFoundException(SessionException):
    """No session is active for the calling code.

    PyWebIO functions work inside an app run by ``start_server()`` (and in
    threads registered with ``register_thread()``), or in a Jupyter kernel.
    """


class NoFrontendError(SessionException):
    """A notebook cell waited for input but no frontend rendered the widget.

    This happens when a notebook runs headless (``jupyter execute``,
    ``nbconvert --execute``, papermill): nothing can answer the form, so the
    wait fails fast instead of hanging.
    """
