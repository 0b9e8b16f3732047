"""What every output family shares: :class:`Output`, scope resolution, sending helpers."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from contextvars import Token
from typing import Any

from ..exceptions import SessionException
from ..protocol import (
    ROOT_SCOPE,
    OutputCtlSpec,
    OutputSpec,
    make_command,
    scope_dom_id,
    scope_selector,
)
from ..session._base import Session
from ..session._context import (
    current_scope_stack,
    current_session,
    get_current_session,
    scope_stack_var,
)

__all__ = [
    "Output",
    "OutputList",
    "new_scope_name",
    "style",
]


logger = logging.getLogger("pywebio_nb.output")

#: The selector of the ROOT scope: most output goes there (no string building per call).
ROOT_SELECTOR = scope_selector(ROOT_SCOPE)


def new_scope_name() -> str:
    """A scope name no other scope of any session has (``use_scope()``, popups, ...)."""
    return "s" + uuid.uuid4().hex[:12]


def _resolve_scope(scope: str | int | None) -> str:
    stack = current_scope_stack()
    if scope is None:
        return stack[-1]
    if isinstance(scope, int):
        try:
            return stack[scope]
        except IndexError:
            raise ValueError(
                f"scope index {scope} is outside the scope stack {list(stack)}"
            ) from None
    if not isinstance(scope, str) or not scope:
        raise ValueError(f"scope must be a scope name or an int index, got {scope!r}")
    return scope


class Output:
    """The result of a ``put_*()`` call: sent once, unless embedded in another output."""

    __slots__ = ("__weakref__", "_container", "_done", "_session", "_tokens", "spec")

    # Two slots set only when used (put_text in a loop makes an Output per call):
    #: None: not a context manager; "": the widget itself holds what the
    #: ``with`` block outputs; else a CSS selector of the slot inside it.
    _container: str | None
    #: The scope tokens of ``with`` blocks, made by __enter__.
    _tokens: list[Token[tuple[str, ...]]]

    def __init__(self, spec: OutputSpec) -> None:
        self.spec = spec
        self._done = False
        # The calling context's session first: the usual case, one call less.
        self._session: Session | None = current_session() or _session_or_none()

    # ----------------------------------------------------------- chaining
    def style(self, css_style: str) -> Output:
        """Add CSS declarations to this output; returns the output itself."""
        self.spec["style"] = self.spec.get("style", "") + ";" + css_style
        return self

    def onclick(self, callback: Callable[[], Any]) -> Output:
        """Call ``callback()`` when this output is clicked; returns the output itself."""
        session = self._session or get_current_session()
        self.spec["click_callback_id"] = session.register_callback(lambda _data: callback())
        return self

    # ---------------------------------------------------- context manager
    def enable_context_manager(self, container_selector: str | None = None) -> Output:
        """Let this output be used as ``with put_xxx(...) as scope_name:``.

        For builders: output inside the ``with`` block goes into the widget
        itself, or into the element ``container_selector`` matches inside it.
        """
        self._container = container_selector or ""
        return self

    def __enter__(self) -> str:
        container = getattr(self, "_container", None)
        if container is None:
            raise RuntimeError(
                f"put_{self.spec.get('type')}() can't be used as a context manager; "
                "the manual marks the functions that can with a dagger"
            )
        if self._done:
            raise RuntimeError(
                "this output was already shown; call put_xxx() in the with statement"
            )
        name = new_scope_name()
        self.spec["container_dom_id"] = scope_dom_id(name)
        if container:
            self.spec["container_selector"] = container
        self.show()
        if not hasattr(self, "_tokens"):
            self._tokens = []
        self._tokens.append(scope_stack_var.set((*scope_stack_var.get(), name)))
        return name

    def __exit__(self, *exc: object) -> None:
        scope_stack_var.reset(self._tokens.pop())

    # ------------------------------------------------------------ sending
    def embed_data(self) -> OutputSpec:
        """Take this output's spec for use inside another output (it is not sent alone)."""
        self._done = True
        spec = self.spec.copy()
        spec.pop("scope", None)
        spec.pop("position", None)
        return spec

    def show(self) -> None:
        """Send this output now (idempotent)."""
        if self._done:
            return
        self._done = True
        (self._session or get_current_session()).send_output(self.spec)

    def _ipython_display_(self) -> None:
        self.show()

    def _send_pending(self) -> None:
        """Send unless sent or embedded; never raises (used when the output is dropped)."""
        if self._done:
            return
        # show(), one call less: this runs once per put_*() in a loop.
        self._done = True
        try:
            (self._session or get_current_session()).send_output(self.spec)
        except Exception as exc:  # __del__ must not raise; say what was lost
            logger.error("could not send %s output: %s", self.spec.get("type"), exc)

    # An output dropped unsent is sent (one call frame less than a method calling it).
    __del__ = _send_pending

    def __repr__(self) -> str:
        return f"<Output {self.spec.get('type')}>"


class _MadeOutput(Output):
    """An :class:`Output` whose maker sets the slots ``Output.__init__`` sets.

    For the hot path (``put_text()`` in a loop): ``Output(spec)`` runs
    ``__init__``, a Python call made through the type (~800 of ~20,000
    instructions per ``put_text()`` with its encoding); ``_MadeOutput()`` runs
    C's ``object.__init__`` instead. Nothing else differs.
    """

    __slots__ = ()
    __init__ = object.__init__


class OutputList(list[Output]):
    """A list of outputs returned by :func:`style`; dropped, it sends them in order.

    (A plain list releases its items last to first, which would reverse them.)
    """

    def __del__(self) -> None:
        for output in self:
            if isinstance(output, Output):
                output._send_pending()


def _output(spec: OutputSpec, scope: str | int | None, position: int) -> Output:
    spec["scope"] = selector_of(scope)
    spec["position"] = position
    return Output(spec)


def selector_of(scope: str | int | None) -> str:
    """The selector of an output's target, ``scope`` as the ``put_*()`` functions take it."""
    name = current_scope_stack()[-1] if scope is None else _resolve_scope(scope)
    return ROOT_SELECTOR if name == ROOT_SCOPE else scope_selector(name)


def _session_or_none() -> Session | None:
    """The calling code's session, or None (an Output may exist outside any session)."""
    try:
        return get_current_session()
    except SessionException:
        return None


def _to_spec(content: Any) -> OutputSpec:
    """An Output's spec, or plain text for any other value."""
    if isinstance(content, Output):
        return content.embed_data()
    return {"type": "text", "content": str(content)}


def _ctl(spec: OutputCtlSpec, session: Session | None = None) -> None:
    (session or get_current_session()).send(make_command("output_ctl", spec))


def style(outputs: Output | Sequence[Output], css_style: str) -> Any:
    """Customize the CSS style of output content.

    :param outputs: a ``put_xxx()`` call or a list of them.
    :param css_style: CSS declarations, e.g. ``'color:red'``.
    :return: the output itself, or, for a list, an ``OutputList`` of the
        same outputs, usable wherever a list of ``put_xxx()`` calls is accepted.

    Deprecated since PyWebIO 1.3 in favour of ``put_xxx().style(css)``; kept.
    """
    if isinstance(outputs, Output):
        return outputs.style(css_style)
    items = list(outputs)
    for output in items:
        if not isinstance(output, Output):
            raise TypeError(f"style() takes put_xxx() outputs or a list of them, got {output!r}")
    for output in items:
        output.style(css_style)
    return OutputList(items)
