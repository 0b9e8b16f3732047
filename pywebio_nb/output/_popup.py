"""The popup: :func:`popup` (direct call, context manager, decorator) and :func:`close_popup`.

A popup is shown by the root (the server page, or the notebook cell) of the
code that opens it; its body is a scope, so output can be sent into it
afterwards. A session shows at most one popup: opening one closes the one
shown, in whichever root it is.

``popup(...)`` is sent when the statement that calls it ends, like any
``put_xxx()`` (see :mod:`pywebio_nb.output`), so that ``@popup(...)`` can
decorate a function without showing anything: the decorated function shows a
fresh popup on every call.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from contextvars import Token
from typing import Any, TypeVar

from ..exceptions import SessionException
from ..protocol import PopupSpec, make_command, scope_dom_id
from ..session._base import Session
from ..session._context import get_current_session, scope_stack_var
from ._core import Output, _to_spec, new_scope_name

__all__ = [
    "PopupSize",
    "close_popup",
    "popup",
]

logger = logging.getLogger("pywebio_nb.output")

F = TypeVar("F", bound=Callable[..., Any])


class PopupSize:
    """The values of :func:`popup`'s ``size``."""

    LARGE = "large"
    NORMAL = "normal"
    SMALL = "small"


_SIZES = (PopupSize.LARGE, PopupSize.NORMAL, PopupSize.SMALL)


class popup:
    """Show a popup.

    :param title: the title of the popup (text, never HTML).
    :param content: a string, a ``put_xxx()`` call or a list of them.
    :param size: ``'large'``, ``'normal'`` or ``'small'`` (see :class:`PopupSize`).
    :param implicit_close: close the popup on a click outside of it or on the
        Esc key.
    :param closable: whether the user can close the popup (a close button in
        its upper right). With ``False`` only :func:`close_popup` closes it, and
        ``implicit_close`` is ignored.

    Only one popup is shown at a time: a new popup closes the one shown.
    Three ways to use it::

        popup('popup title', 'popup text content', size=PopupSize.SMALL)

        with popup('Popup title') as s:     # s: the name of the popup's scope
            put_html('<h3>Popup Content</h3>')
        put_text('Also work!', scope=s)    # the popup stays open after the block

        @popup('Popup title')               # every call shows the popup
        def show_popup():
            put_text("I'm in a popup!")
    """

    def __init__(
        self,
        title: str,
        content: Any = None,
        size: str = PopupSize.NORMAL,
        implicit_close: bool = True,
        closable: bool = True,
    ) -> None:
        self._sent = True  # until built: a failed construction sends nothing
        if size not in _SIZES:
            raise ValueError(f"popup size must be one of {', '.join(_SIZES)}, got {size!r}")
        items = [] if content is None else content
        if not isinstance(items, (list, tuple)):
            items = [items]
        for item in items:
            if not isinstance(item, (str, Output)):
                raise TypeError(f"popup() content must be put_xxx() calls or strings, got {item!r}")
        self.spec: PopupSpec = {
            "title": str(title),
            "content": [_to_spec(item) for item in items],
            "size": size,  # type: ignore[typeddict-item]
            "implicit_close": bool(implicit_close),
            "closable": bool(closable),
        }
        #: The name of the popup's scope (a new one for each popup shown).
        self.name = new_scope_name()
        self._tokens: list[Token[tuple[str, ...]]] = []
        try:
            self._session: Session | None = get_current_session()
        except SessionException:  # a decorator applied outside any session
            self._session = None
        self._sent = False

    # -------------------------------------------------------------- showing
    def show(self) -> None:
        """Send the popup now (idempotent)."""
        if self._sent:
            return
        self._sent = True
        _show(self._session or get_current_session(), self.spec, self.name)

    def _ipython_display_(self) -> None:
        self.show()

    def __del__(self) -> None:
        if self._sent:
            return
        try:
            self.show()
        except Exception as exc:  # __del__ must not raise; say what was lost
            logger.error("could not show popup %r: %s", self.spec.get("title"), exc)

    # ------------------------------------------------------ context manager
    def __enter__(self) -> str:
        self.show()
        self._tokens.append(scope_stack_var.set((*scope_stack_var.get(), self.name)))
        return self.name

    def __exit__(self, *exc: object) -> None:
        scope_stack_var.reset(self._tokens.pop())

    # ------------------------------------------------------------ decorator
    def __call__(self, func: F) -> F:
        self._sent = True  # a decorator: shown by each call, not by this statement
        spec = self.spec

        def opened() -> popup:
            shown = popup.__new__(popup)
            shown.spec = spec
            shown.name = new_scope_name()
            shown._sent = False
            shown._tokens = []
            shown._session = None
            return shown

        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def coro_wrapper(*args: Any, **kwargs: Any) -> Any:
                with opened():
                    return await func(*args, **kwargs)

            return coro_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with opened():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"<popup {self.spec['title']!r} scope={self.name!r}>"


def _show(session: Session, spec: PopupSpec, name: str) -> None:
    root = session.default_root()
    shown = session.page.popup_root
    if shown is not None and shown != root:
        # One popup per session: the one another notebook cell shows goes first.
        session.send(make_command("close_popup"), root_id=shown)
    session.send(make_command("popup", {**spec, "dom_id": scope_dom_id(name)}), root_id=root)


def close_popup() -> None:
    """Close the popup shown (wherever it is shown); nothing happens when there is none."""
    session = get_current_session()
    session.send(make_command("close_popup"), root_id=session.page.popup_root)
