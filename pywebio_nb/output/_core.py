"""What every output family shares: :class:`Output`, scope resolution, sending helpers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from ..exceptions import SessionException
from ..protocol import (
    OutputCtlSpec,
    OutputSpec,
    make_command,
    scope_selector,
)
from ..session._base import Session
from ..session._context import get_current_session, scope_stack_var

__all__ = [
    "Output",
    "OutputList",
    "style",
]


logger = logging.getLogger("pywebio_nb.output")


def _resolve_scope(scope: str | int | None) -> str:
    stack = scope_stack_var.get()
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

    __slots__ = ("__weakref__", "_done", "_session", "spec")

    def __init__(self, spec: OutputSpec) -> None:
        self.spec = spec
        self._done = False
        try:
            self._session: Session | None = get_current_session()
        except SessionException:
            self._session = None

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
        session = self._session or get_current_session()
        session.send(make_command("output", self.spec))

    def _ipython_display_(self) -> None:
        self.show()

    def _send_pending(self) -> None:
        """Send unless sent or embedded; never raises (used when the output is dropped)."""
        if self._done:
            return
        try:
            self.show()
        except Exception as exc:  # __del__ must not raise; say what was lost
            logger.error("could not send %s output: %s", self.spec.get("type"), exc)

    def __del__(self) -> None:
        self._send_pending()

    def __repr__(self) -> str:
        return f"<Output {self.spec.get('type')}>"


class OutputList(list[Output]):
    """A list of outputs returned by :func:`style`; dropped, it sends them in order.

    (A plain list releases its items last to first, which would reverse them.)
    """

    def __del__(self) -> None:
        for output in self:
            if isinstance(output, Output):
                output._send_pending()


def _output(spec: OutputSpec, scope: str | int | None, position: int) -> Output:
    spec["scope"] = scope_selector(_resolve_scope(scope))
    spec["position"] = position
    return Output(spec)


def _to_spec(content: Any) -> OutputSpec:
    """An Output's spec, or plain text for any other value."""
    if isinstance(content, Output):
        return content.embed_data()
    return {"type": "text", "content": str(content)}


def _ctl(spec: OutputCtlSpec, session: Session | None = None) -> None:
    (session or get_current_session()).send(make_command("output_ctl", spec))


def style(outputs: Output | Sequence[Output], css_style: str) -> Any:
    """Add CSS to an output (or to each output of a list); returns what it was given."""
    if isinstance(outputs, Output):
        return outputs.style(css_style)
    for output in outputs:
        output.style(css_style)
    return OutputList(outputs)
