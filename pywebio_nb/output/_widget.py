"""``put_widget``: an output made from a mustache template.

The template is rendered in the browser (mustache.js). Outputs anywhere in
``data`` travel as their specs; the template shows them (or plain strings,
as text) with ``{{& pywebio_output_parse}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..protocol import OutputSpec
from ._core import Output, _output

__all__ = ["put_widget"]


def _data(value: Any) -> Any:
    """``data`` for the wire: outputs become their specs, containers are walked."""
    if isinstance(value, Output):
        spec: OutputSpec = value.embed_data()
        return spec
    if isinstance(value, Mapping):
        return {str(k): _data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_data(v) for v in value]
    return value


def put_widget(
    template: str,
    data: Mapping[str, Any],
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output your own widget.

    :param template: an HTML template in ``mustache.js`` syntax.
    :param data: the data the template is rendered with. It may contain
        ``put_xxx()`` calls: the template shows one (or a string, as text)
        with ``{{& pywebio_output_parse}}`` (``&`` turns off mustache's HTML
        escaping, which the parsed output needs).
    :param scope, position: as for :func:`put_text`.

    Example::

        tpl = '''
        <details {{#open}}open{{/open}}>
          <summary>{{title}}</summary>
          {{#contents}}
            {{& pywebio_output_parse}}
          {{/contents}}
        </details>
        '''

        put_widget(tpl, {
            "open": True,
            "title": 'More content',
            "contents": [
                'text',
                put_markdown('~~Strikethrough~~'),
                put_table([
                    ['Commodity', 'Price'],
                    ['Apple', '5.5'],
                    ['Banana', '7'],
                ])
            ]
        })
    """
    if not isinstance(data, Mapping):
        raise TypeError(f"put_widget() data must be a dict, got {type(data).__name__}")
    return _output(
        {"type": "widget", "template": str(template), "data": _data(data)}, scope, position
    )
