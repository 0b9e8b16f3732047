"""Progress bars: ``put_processbar`` and ``set_processbar``.

``set_processbar`` is the protocol's ``set_processbar`` extension command
(PyWebIO runs a script instead): the page model records each bar's latest
value, and the session *coalesces* it. A burst of updates of one bar (10,000
calls in a tight loop) replaces the still-buffered update of that bar
instead of queueing behind it, so a batch carries only the last value. A
value of 1 or more is never coalesced away: it may remove an ``auto_close``
bar, and a later update with the same name could target a new bar.
"""

from __future__ import annotations

from ..protocol import ProcessbarOutputSpec, SetProcessbarSpec, make_command
from ..session._context import get_current_session
from ._core import Output, _output

__all__ = ["put_processbar", "set_processbar"]


def _check(name: object, value: object) -> float:
    if not isinstance(name, str) or not name:
        raise ValueError(f"a progress bar's name must be a non-empty string, got {name!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"a progress value must be a number between 0 and 1, got {value!r}")
    return float(value)


def put_processbar(
    name: str,
    init: float = 0,
    label: str | None = None,
    auto_close: bool = False,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a progress bar.

    :param name: the bar's name, its unique identifier (any string, spaces
        included).
    :param init: the initial progress, between 0 and 1.
    :param label: the bar's label; by default the percentage of the progress.
    :param auto_close: remove the bar once the progress is complete.
    :param scope, position: as for :func:`put_text`.

    Example::

        import time

        put_processbar('bar')
        for i in range(1, 11):
            set_processbar('bar', i / 10)
            time.sleep(0.1)

    See :func:`set_processbar` to set the progress.
    """
    value = _check(name, init)
    spec: ProcessbarOutputSpec = {
        "type": "processbar",
        "name": name,
        "value": value,
        "label": None if label is None else str(label),
        "auto_close": auto_close,
    }
    return _output(spec, scope, position)


def set_processbar(name: str, value: float, label: str | None = None) -> None:
    """Set the progress of the progress bar called ``name``.

    :param name: the bar's name.
    :param value: the progress, between 0 and 1.
    :param label: the bar's label; by default the percentage of the progress.

    Calls in quick succession are cheap: only the last value of a burst is
    sent (see :func:`put_processbar`).
    """
    spec: SetProcessbarSpec = {
        "name": name,
        "value": _check(name, value),
        "label": None if label is None else str(label),
    }
    # A complete bar may be auto-closed: that update must reach the browser.
    key = ("set_processbar", name) if spec["value"] < 1 else None
    get_current_session().send(make_command("set_processbar", spec), coalesce_key=key)
