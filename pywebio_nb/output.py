"""Make output to the browser (``pywebio.output`` of the PyWebIO manual).

Every ``put_*()`` returns an :class:`Output`. It is sent when the statement
that made it ends (so ``put_text("hi")`` needs nothing more), when it is the
last expression of a notebook cell, or by ``.show()``; passed to another
``put_*()`` (a table cell, a scope's content) it becomes part of that output
instead. ``.style(css)`` and ``.onclick(callback)`` return the output itself,
so they chain.

Output goes to the *current scope* (see :func:`use_scope`) unless ``scope=``
names another; ``position`` inserts it among the scope's children: ``>= 0``
before the child with that index, ``< 0`` after it (``-1``, the default,
appends).
"""

from __future__ import annotations

import functools
import logging
import textwrap
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

from ._options import normalize_output_buttons
from .exceptions import SessionException
from .protocol import (
    ROOT_SCOPE,
    TOAST_COLORS,
    ButtonsOutputSpec,
    CodeOutputSpec,
    OutputButtonSpec,
    OutputCtlSpec,
    OutputSpec,
    make_command,
    scope_dom_id,
    scope_selector,
)
from .session._base import Session
from .session._context import get_current_session, scope_stack_var

__all__ = [
    "Output",
    "clear",
    "get_scope",
    "put_button",
    "put_buttons",
    "put_code",
    "put_html",
    "put_markdown",
    "put_scope",
    "put_table",
    "put_text",
    "remove",
    "scroll_to",
    "style",
    "toast",
    "use_scope",
]

logger = logging.getLogger("pywebio_nb.output")

F = TypeVar("F", bound=Callable[..., Any])


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


# ------------------------------------------------------------------ scopes
def get_scope(stack_idx: int = -1) -> str | None:
    """The scope name at ``stack_idx`` of the runtime scope stack (-1: current), or None."""
    try:
        return scope_stack_var.get()[stack_idx]
    except IndexError:
        return None


class use_scope:
    """Enter a scope (created in the current scope if it does not exist).

    Works as a context manager (``with use_scope('x') as name:``) and as a
    decorator. ``name=None`` makes a unique name; ``clear=True`` empties the
    scope on entry.
    """

    def __init__(self, name: str | None = None, clear: bool = False) -> None:
        if name is not None and (
            not isinstance(name, str) or not name or "-" in name or " " in name
        ):
            raise ValueError(
                f"scope name must be a non-empty string without '-' or spaces, got {name!r}"
            )
        self.name = name or f"s{uuid.uuid4().hex[:12]}"
        self.clear = clear
        self._tokens: list[Any] = []

    def __enter__(self) -> str:
        session = get_current_session()
        if self.name != ROOT_SCOPE:
            _ctl(
                {
                    "set_scope": scope_dom_id(self.name),
                    "container": scope_selector(_resolve_scope(None)),
                    "position": -1,
                    "if_exist": "clear" if self.clear else None,
                },
                session,
            )
        elif self.clear:
            clear(ROOT_SCOPE)
        self._tokens.append(scope_stack_var.set((*scope_stack_var.get(), self.name)))
        return self.name

    def __exit__(self, *exc: object) -> None:
        scope_stack_var.reset(self._tokens.pop())

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with use_scope(self.name, self.clear):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def put_scope(
    name: str,
    content: Output | Sequence[Output] = (),
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a scope called ``name`` holding ``content`` (an output or a list of them)."""
    items = [content] if isinstance(content, Output) else list(content)
    return _output(
        {"type": "scope", "dom_id": scope_dom_id(name), "contents": [_to_spec(c) for c in items]},
        scope,
        position,
    )


def _ctl(spec: OutputCtlSpec, session: Session | None = None) -> None:
    (session or get_current_session()).send(make_command("output_ctl", spec))


def clear(scope: str | int | None = None) -> None:
    """Remove the content of ``scope`` (default: the current scope)."""
    _ctl({"clear": scope_selector(_resolve_scope(scope))})


def remove(scope: str | int | None = None) -> None:
    """Remove ``scope`` itself (default: the current scope)."""
    name = _resolve_scope(scope)
    if name == ROOT_SCOPE:
        raise ValueError("the ROOT scope cannot be removed; use clear('ROOT') to empty it")
    _ctl({"remove": scope_selector(name)})


def scroll_to(
    scope: str | int | None = None, position: Literal["top", "middle", "bottom"] = "top"
) -> None:
    """Scroll the page so ``scope`` is at the 'top', 'middle' or 'bottom' of the view."""
    if position not in ("top", "middle", "bottom"):
        raise ValueError(f"position must be 'top', 'middle' or 'bottom', got {position!r}")
    _ctl({"scroll_to": scope_selector(_resolve_scope(scope)), "position": position})


# ----------------------------------------------------------------- content
def put_text(
    *texts: Any,
    sep: str = " ",
    inline: bool = False,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output plain text (``str()`` of each value, joined by ``sep``); never HTML."""
    return _output(
        {"type": "text", "content": sep.join(map(str, texts)), "inline": inline}, scope, position
    )


def _strip_indent(text: str) -> str:
    """Remove the indentation of triple-quoted markdown written inside a function."""
    first, _, rest = text.partition("\n")
    if first.strip():
        return first.lstrip() + ("\n" + textwrap.dedent(rest) if rest else "")
    return textwrap.dedent(rest)


def put_markdown(
    mdcontent: str,
    lstrip: bool = True,
    options: dict[str, Any] | None = None,
    sanitize: bool = True,
    scope: str | int | None = None,
    position: int = -1,
    **kwargs: Any,
) -> Output:
    """Output Markdown (rendered with marked; sanitized with DOMPurify by default)."""
    content = _strip_indent(mdcontent) if lstrip else mdcontent
    return _output(
        {"type": "markdown", "content": content, "options": options or {}, "sanitize": sanitize},
        scope,
        position,
    )


def put_html(
    html: Any, sanitize: bool = False, scope: str | int | None = None, position: int = -1
) -> Output:
    """Output HTML; objects with ``__html__`` or ``_repr_html_`` are accepted too."""
    if hasattr(html, "__html__"):
        html = html.__html__()
    elif hasattr(html, "_repr_html_"):
        html = html._repr_html_()
    return _output({"type": "html", "content": str(html), "sanitize": sanitize}, scope, position)


def put_code(
    content: str,
    language: str = "",
    rows: int | None = None,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a code block."""
    spec: CodeOutputSpec = {"type": "code", "content": str(content), "language": language}
    if rows is not None:
        spec["rows"] = rows
    return _output(spec, scope, position)


def put_table(
    tdata: Sequence[Any],
    header: Sequence[Any] | None = None,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a table; cells are values or ``put_*()`` outputs.

    ``tdata`` is a list of rows (lists), or a list of dicts with ``header``
    naming the keys to show.
    """
    rows: list[list[Any]] = []
    header_row: list[Any] | None = list(header) if header is not None else None
    keys: list[Any] | None = None
    if header_row and all(isinstance(h, (list, tuple)) and len(h) == 2 for h in header_row):
        keys = [h[1] for h in header_row]
        header_row = [h[0] for h in header_row]
    for row in tdata:
        if isinstance(row, dict):
            keys = keys or header_row or list(row.keys())
            rows.append([row.get(k, "") for k in keys])
        else:
            rows.append(list(row))
    if header_row is not None:
        rows.insert(0, header_row)

    def cell(value: Any) -> str | OutputSpec:
        return value.embed_data() if isinstance(value, Output) else str(value)

    return _output(
        {"type": "table", "data": [[cell(v) for v in row] for row in rows]}, scope, position
    )


def put_buttons(
    buttons: Sequence[Any],
    onclick: Callable[..., Any] | Sequence[Callable[[], Any]],
    small: bool | None = None,
    link_style: bool = False,
    outline: bool = False,
    group: bool = False,
    scope: str | int | None = None,
    position: int = -1,
    **callback_options: Any,
) -> Output:
    """Output a group of buttons; ``onclick(value)`` runs when one is clicked.

    ``onclick`` may instead be a list of no-argument callables, one per
    button. Button values may be any Python object (they never travel to the
    browser). ``serial_mode=True`` runs this group's callbacks one at a time
    (thread-based sessions); ``mutex_mode=True`` ignores clicks while a
    coroutine callback runs (coroutine-based sessions).
    """
    normalized = normalize_output_buttons(buttons)
    values = [value for _, value in normalized]
    if callable(onclick):
        handler: Callable[..., Any] = onclick

        def dispatch(index: Any) -> Any:
            return handler(values[int(index)])
    else:
        handlers = list(onclick)
        if len(handlers) != len(values):
            raise ValueError(
                f"put_buttons() got {len(values)} buttons but {len(handlers)} "
                "onclick callbacks; give one callable or one per button"
            )

        def dispatch(index: Any) -> Any:
            return handlers[int(index)]()

    session = get_current_session()
    callback_id = session.register_callback(
        dispatch,
        serial_mode=bool(callback_options.get("serial_mode")),
        mutex_mode=bool(callback_options.get("mutex_mode")),
    )
    spec: ButtonsOutputSpec = {
        "type": "buttons",
        "callback_id": callback_id,
        "buttons": [button for button, _ in normalized],
        "link": link_style,
        "outline": outline,
        "group": group,
    }
    if small is not None:
        spec["small"] = small
    return _output(spec, scope, position)


def put_button(
    label: str,
    onclick: Callable[[], Any],
    color: str | None = None,
    small: bool | None = None,
    link_style: bool = False,
    outline: bool = False,
    disabled: bool = False,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output one button; ``onclick()`` runs when it is clicked."""
    button: OutputButtonSpec = {"label": label, "value": label, "disabled": disabled}
    if color:
        button["color"] = color
    return put_buttons(
        [button],
        [onclick],
        small=small,
        link_style=link_style,
        outline=outline,
        scope=scope,
        position=position,
    )


def style(outputs: Output | Sequence[Output], css_style: str) -> Any:
    """Add CSS to an output (or to each output of a list); returns what it was given."""
    if isinstance(outputs, Output):
        return outputs.style(css_style)
    for output in outputs:
        output.style(css_style)
    return OutputList(outputs)


# ---------------------------------------------------------- interactions
def toast(
    content: str,
    duration: float = 2,
    position: Literal["left", "center", "right"] = "center",
    color: str = "info",
    onclick: Callable[[], Any] | None = None,
) -> None:
    """Show a notification for ``duration`` seconds (0: until clicked).

    ``color`` is 'info', 'error', 'warn', 'success' or any CSS colour.
    """
    session = get_current_session()
    callback_id = (
        session.register_callback(lambda _data: onclick()) if onclick is not None else None
    )
    session.send(
        make_command(
            "toast",
            {
                "content": str(content),
                "duration": duration,
                "position": position,
                "color": TOAST_COLORS.get(color, color),
                "callback_id": callback_id,
            },
        )
    )
