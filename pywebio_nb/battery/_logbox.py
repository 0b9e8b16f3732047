"""The logbox widget: :func:`put_logbox`, :func:`logbox_append`, :func:`logbox_clear`.

PyWebIO's battery appends with a ``run_script`` snippet per call. Here an
append is one small ``logbox`` command (an additive protocol extension), so a
loop of 10,000 appends costs 10,000 dict appends on the Python side, travels
in the session's usual batches (a flush per wakeup, not per call), and the
renderer adds text nodes and scrolls once per frame.

The box lives in a scope of its own, named after the logbox: the session
routes an append to the root that shows that scope, so in a notebook an
append from any cell (or thread) reaches the cell that shows the box.
"""

from __future__ import annotations

import html

from ..output import Output, put_html, put_scope
from ..protocol import LogboxSpec, make_command
from ..session._context import get_current_session
from ..session._page_model import logbox_scope as _scope_name

__all__ = ["logbox_append", "logbox_clear", "put_logbox"]


def put_logbox(name: str, height: int = 400, keep_bottom: bool = True) -> Output:
    """Output a logbox: a scrolling box of monospaced text that grows with
    :func:`logbox_append`.

    :param name: the logbox's name, unique in the session.
    :param height: the box's height in pixels (0: as high as its text).
    :param keep_bottom: scroll to the bottom when text is appended (not while
        the box has the keyboard focus, so a reader can scroll back).

    Example::

        import time

        put_logbox("log")
        while True:
            logbox_append("log", f"{time.time()}\\n")
            time.sleep(0.2)

    The text appended is shown live. A page that reloads or reconnects gets
    the box back with its last 1,000,000 characters; a saved notebook's
    static copy shows its last 20,000.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"a logbox name must be a non-empty string, got {name!r}")
    size = f"height:{int(height)}px;" if height else ""
    style = f' style="{size}overflow:auto"'
    bottom = ' data-keep-bottom="1"' if keep_bottom else ""
    box = (
        f'<pre class="pywebio-logbox" data-logbox="{html.escape(name, quote=True)}"'
        f'{bottom}{style} tabindex="0"></pre>'
    )
    return put_scope(_scope_name(name), put_html(box))


def _send(name: str, text: str, clear: bool) -> None:
    session = get_current_session()
    root = session.page.root_of(_scope_name(name))
    spec: LogboxSpec = {"name": name, "text": text}
    if clear:
        spec["clear"] = True
    session.send(make_command("logbox", spec), root)


def logbox_append(name: str, text: str) -> None:
    """Append ``text`` to the logbox ``name`` (text, never HTML; add ``"\\n"`` for a new line).

    Cheap enough to call in a tight loop: 10,000 calls are sent in a few
    messages. Nothing happens when no logbox of that name is shown.
    """
    _send(name, str(text), False)


def logbox_clear(name: str) -> None:
    """Remove all the text of the logbox ``name``."""
    _send(name, "", True)
