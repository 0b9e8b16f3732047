"""Content outputs: text, markdown, html, code, links, messages, loading spinners.

``put_table`` and ``span`` live in ``_table``, progress bars in ``_progress``,
``put_widget`` in ``_widget``. The messages work as context managers through
``Output.enable_context_manager``; ``put_loading`` has a context manager of
its own (:class:`_LoadingOutput`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any, Literal

from ..protocol import (
    ROOT_SCOPE,
    CodeOutputSpec,
    HtmlOutputSpec,
    LinkOutputSpec,
    OutputSpec,
    scope_dom_id,
    scope_selector,
)
from ..session._context import current_scope_stack, current_session, get_current_session
from ._core import (
    ROOT_SELECTOR,
    Output,
    _ctl,
    _MadeOutput,
    _output,
    _session_or_none,
    _to_spec,
    new_scope_name,
    selector_of,
)

__all__ = [
    "put_code",
    "put_error",
    "put_html",
    "put_info",
    "put_link",
    "put_loading",
    "put_markdown",
    "put_success",
    "put_text",
    "put_warning",
]


class _LoadingOutput(Output):
    """``put_loading()`` as a context manager: the spinner shows while the block runs.

    Unlike the other context managers (``Output.enable_context_manager``),
    the block's output does not go into the spinner: entering sends it with
    a scope name of its own (returned), leaving removes that scope, so the
    spinner goes away.
    """

    __slots__ = ("_spinner_scope",)

    def __enter__(self) -> str:
        if self._done:
            raise RuntimeError(
                "this output was already shown; call put_loading() in the with statement"
            )
        self._spinner_scope = new_scope_name()
        self.spec["container_dom_id"] = scope_dom_id(self._spinner_scope)
        self.show()
        return self._spinner_scope

    def __exit__(self, *exc: object) -> None:
        session = self._session or get_current_session()
        _ctl({"remove": scope_selector(self._spinner_scope)}, session)


def put_text(
    *texts: Any,
    sep: str = " ",
    inline: bool = False,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output plain text.

    :param texts: what to output; ``str()`` is applied to any non-string value.
    :param sep: the separator between the texts.
    :param inline: show the text as an inline element (no line break after it).
    :param scope: the target scope (a name, or an int index into the scope
        stack); when it does not exist, nothing is shown.
    :param position: where in the scope: ``>= 0`` before the item with that
        index, ``< 0`` after it (``-1``, the default, appends).

    The text is never parsed as HTML.
    """
    # The hot path (put_text in a loop): one text needs no join, output into
    # ROOT no selector_of() call, the spec is made whole at once (adding keys
    # later grows the dict) and the Output without a Python __init__.
    content = str(texts[0]) if len(texts) == 1 else sep.join(map(str, texts))
    if scope is None and current_scope_stack()[-1] == ROOT_SCOPE:
        selector = ROOT_SELECTOR
    else:
        selector = selector_of(scope)
    output: Output = _MadeOutput()
    output.spec = {
        "type": "text",
        "content": content,
        "inline": inline,
        "scope": selector,
        "position": position,
    }
    output._done = False
    output._session = current_session() or _session_or_none()
    return output


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
    """Output Markdown (rendered by ``marked`` in the browser).

    :param mdcontent: the Markdown text.
    :param lstrip: remove the common leading whitespace of the lines, so
        triple-quoted Markdown can be indented with the code around it.
    :param options: ``marked`` parse options (only string and boolean values).
    :param sanitize: filter the HTML with DOMPurify (scripts, event handlers
        and ``javascript:`` URLs are removed).
    :param scope, position: as for :func:`put_text`.

    ``strip_indent`` (deprecated in PyWebIO 1.5) is accepted and ignored.
    """
    content = _strip_indent(mdcontent) if lstrip else mdcontent
    return _output(
        {"type": "markdown", "content": content, "options": options or {}, "sanitize": sanitize},
        scope,
        position,
    )


def put_html(
    html: Any, sanitize: bool = False, scope: str | int | None = None, position: int = -1
) -> Output:
    """Output HTML.

    :param html: an HTML string; an object with ``__html__()`` or
        ``_repr_html_()`` (a chart, a DataFrame, ...) is accepted too, and a
        plotly ``Figure``.
    :param sanitize: filter the HTML with DOMPurify first (scripts, event
        handlers and ``javascript:`` URLs are removed). Unsanitized HTML runs
        its ``<script>`` elements in order, as they load.
    :param scope, position: as for :func:`put_text`.

    Chart libraries the HTML loads from a CDN (plotly, Bokeh, ECharts,
    chart.xkcd; ``require([...])`` included) are loaded from this machine
    instead, once (``pywebio_nb.charts``, docs/charts.md).
    """
    from ..charts._html import html_with_libraries

    content, libs = html_with_libraries(html, sanitize)
    spec: HtmlOutputSpec = {"type": "html", "content": content, "sanitize": sanitize}
    if libs:
        spec["libs"] = libs
    return _output(spec, scope, position)


def put_code(
    content: str,
    language: str = "",
    rows: int | None = None,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a code block, highlighted with Prism when ``language`` is given.

    :param content: the code.
    :param language: its language (``'python'``, ``'js'``, ``'sql'``, ...);
        a language Prism does not know is shown unhighlighted.
    :param rows: the most lines shown at once; longer code scrolls.
    :param scope, position: as for :func:`put_text`.
    """
    spec: CodeOutputSpec = {"type": "code", "content": str(content), "language": language}
    if rows is not None:
        spec["rows"] = rows
    return _output(spec, scope, position)


def put_link(
    name: str,
    url: str | None = None,
    app: str | None = None,
    new_window: bool = False,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a hyperlink to a web page or to another PyWebIO application.

    :param name: the link's text (never HTML).
    :param url: the target URL.
    :param app: the name of the target application of the same server
        (``start_server`` with several apps); the link is ``?app=NAME``.
    :param new_window: open the link in a new window.
    :param scope, position: as for :func:`put_text`.

    Exactly one of ``url`` and ``app`` must be given. ``app`` is server-only: in
    a notebook it raises SessionException.
    """
    if (url is None) == (app is None):
        raise ValueError(
            f"put_link() needs exactly one of url= and app=, got url={url!r}, app={app!r}"
        )
    if app is not None:
        from ..session import require_app_server

        require_app_server(get_current_session(), f"put_link(app={app!r})")
    target = url if url is not None else "?app=" + str(app)
    spec: LinkOutputSpec = {"type": "link", "name": str(name), "url": target}
    if new_window:
        spec["new_window"] = True
    return _output(spec, scope, position)


_MessageColor = Literal["info", "success", "warning", "danger"]


def _message(
    color: _MessageColor,
    contents: tuple[Any, ...],
    closable: bool,
    scope: str | int | None,
    position: int,
) -> Output:
    spec: OutputSpec = {
        "type": "message",
        "color": color,
        "contents": [_to_spec(c) for c in contents],
        "closable": closable,
    }
    return _output(spec, scope, position).enable_context_manager(".pywebio-message__body")


def _message_function(color: _MessageColor, kind: str) -> Callable[..., Output]:
    def put_message(
        *contents: Any,
        closable: bool = False,
        scope: str | int | None = None,
        position: int = -1,
    ) -> Output:
        return _message(color, contents, closable, scope, position)

    put_message.__name__ = put_message.__qualname__ = f"put_{kind}"
    put_message.__doc__ = f"""Output a{"n" if kind[0] in "aeiou" else ""} {kind} message.

    :param contents: the message's content: ``put_xxx()`` calls, any other
        value is shown as ``put_text(value)``.
    :param closable: show a dismiss button at the right of the message.
    :param scope, position: as for :func:`put_text`.

    Used as a context manager (``with put_{kind}():``), the output of the
    block goes into the message.
    """
    return put_message


put_info = _message_function("info", "info")
put_success = _message_function("success", "success")
put_warning = _message_function("warning", "warning")
put_error = _message_function("danger", "error")


def put_loading(
    shape: Literal["border", "grow"] = "border",
    color: str = "dark",
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a loading spinner.

    :param shape: ``'border'`` (a spinning ring, the default) or ``'grow'``
        (a pulsing dot).
    :param color: ``'primary'``, ``'secondary'``, ``'success'``, ``'danger'``,
        ``'warning'``, ``'info'``, ``'light'`` or ``'dark'`` (the default).
    :param scope, position: as for :func:`put_text`.

    Used as a context manager (``with put_loading():``), the spinner is
    removed when the block exits; the block's own output goes where it
    would go without the ``with``. ``.style('width:4rem; height:4rem')``
    sets its size.
    """
    if shape not in ("border", "grow"):
        raise ValueError(f"shape must be 'border' or 'grow', got {shape!r}")
    plain = _output({"type": "loading", "shape": shape, "color": str(color)}, scope, position)
    plain._done = True  # replaced by the spinner below: dropping it must not send it
    return _LoadingOutput(plain.spec)
