"""What a saved notebook keeps of a cell root: static HTML and a snapshot of its commands.

A cell root is displayed as an anywidget view, which needs a running kernel.
So that ``jupyter nbconvert``, GitHub, VS Code's viewer and a notebook reopened
without its kernel still show the content, the root's display carries two
more entries beside the widget view (see ``_widget.CellRoot``):

``text/html`` (:func:`render_html`)
    The root as static HTML: no script is needed to read it. It is made from
    the page model's snapshot of the root (the commands a ``resync`` would
    send), with inline CSS whose class names all start with ``pwnb-`` so it
    styles nothing else. Every string from the app is escaped;
    ``put_html``/``put_markdown`` content is sanitized with nh3 (Ammonia) when
    it is installed (``pip install pywebio_nb[static]``), else reduced to its
    text (markdown then renders with raw HTML shown as text). A ``put_widget``
    template is rendered by a mustache subset (``_mustache``) and sanitized the
    same way, its outputs drawn where the template puts them (without nh3: its
    outputs only). Buttons, pins and
    a pending form are drawn disabled (pins with their current values; a
    password's value is never written); a pending form carries a note that it
    was waiting for an answer. Tabs show every pane, each under its title;
    collapses are ``<details>``; popups and toasts are left out. A logbox
    (``battery.put_logbox``) shows the tail of its text, escaped: at most
    ``limits.logbox_chars`` characters (20,000), from a line start, with a
    note saying how many earlier characters were left out. Image and file
    bytes are embedded as ``data:`` URIs while each is at most
    ``limits.blob_bytes`` and all of a root's together at most
    ``limits.total_blob_bytes``; past that the HTML says "not saved" with the
    size. Past ``limits.html_chars`` characters the rest of the outputs is left
    out with a note saying how many.

:data:`SNAPSHOT_MIME` (:func:`snapshot_data`) — the contract helper D's MIME renderer reads
    ``{"version": 1, "root": "<root id>", "commands": [...], "buffers": ["<base64>", ...]}``
    is exactly one kernel -> frontend comm message, serialized: hand
    ``commands`` and the decoded ``buffers`` (``Uint8Array`` each) to a fresh
    ``Renderer`` in widget mode, ``renderer.handle(commands, buffers)``, and it
    draws the root as it was. ``commands`` is the root's ``resync`` batch
    without the ``resync`` command itself (a fresh renderer is empty): the
    ``output`` commands of the page model's snapshot, the ``popup`` it shows,
    its pending ``input_group`` forms; the ``blob`` commands of the bytes these
    show come first, each naming its chunk by ``buffer`` (an index into
    ``buffers``), exactly as on the comm. Left out: requests that only a live
    kernel can answer (``run_script``, ``pin_value``, ``pin_wait``) and
    password values. Every ``html`` and ``markdown`` spec has ``sanitize:
    true``: a saved notebook is data from a file, so the renderer must not run
    what it holds (``put_widget`` templates are still HTML: a viewer of
    untrusted notebooks should not render them unsanitized). A blob over
    ``limits.blob_bytes``, or past ``limits.total_blob_bytes`` for the root, is
    not included: the image or file spec that shows it becomes a ``text``
    output saying "not saved" (so the renderer never waits for missing
    bytes). A snapshot whose commands' JSON would exceed ``limits.snapshot_chars``
    is left out altogether (:func:`snapshot_data` returns None); the
    ``text/html`` stays.

Both are pure functions of the commands and the blobs they name; the kernel
session takes the snapshot under its lock and renders outside it.
"""

from __future__ import annotations

import base64
import html
import json
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, cast

from ..protocol import SCOPE_PREFIX, Command, make_command
from ..session._blobs import CHUNK_SIZE, Blob
from ..session._page_model import logbox_scope
from ._mustache import render_template

nh3: Any
try:  # optional: the ``static`` extra (a compiled wheel, so not a hard dependency)
    import nh3
except ImportError:  # pragma: no cover - the fallback is tested through ``use_nh3=False``
    nh3 = None

__all__ = [
    "DEFAULT_LIMITS",
    "SNAPSHOT_MIME",
    "SNAPSHOT_VERSION",
    "Limits",
    "display_entries",
    "plain_text",
    "render_html",
    "sanitize_html",
    "snapshot_data",
]

#: The MIME type of the snapshot entry of a cell root's display bundle.
SNAPSHOT_MIME = "application/vnd.pywebio-nb.snapshot+json"
#: Its ``version`` field; bumped when the shape changes incompatibly.
SNAPSHOT_VERSION = 1


@dataclass(frozen=True)
class Limits:
    """Bounds of what a saved display holds (per cell root)."""

    #: Bytes of one image or file embedded (as a data: URI, or snapshot buffers).
    blob_bytes: int = 2 << 20
    #: Bytes of all the blobs one root embeds.
    total_blob_bytes: int = 4 << 20
    #: Characters of ``text/html`` after which the remaining outputs are left out.
    html_chars: int = 2_000_000
    #: Characters of the snapshot's commands as JSON past which it is left out (its
    #: buffers are bounded by ``total_blob_bytes``).
    snapshot_chars: int = 8_000_000
    #: Characters of ``text/plain``.
    plain_chars: int = 2_000
    #: Characters of a logbox's text drawn (its tail; the page model keeps more).
    logbox_chars: int = 20_000


DEFAULT_LIMITS = Limits()

#: Requests a saved notebook cannot answer: left out of the snapshot.
_LIVE_ONLY = frozenset({"run_script", "pin_value", "pin_wait"})
#: Output types the snapshot keeps as they are (nothing nested, nothing to clean).
_AS_IS = frozenset({"text", "code", "link", "processbar", "loading", "buttons"})
#: The snapshot's JSON is at most this many times the size of the root's text/html
#: (``text/html`` is the terser of the two), so a small page skips the exact count.
_JSON_PER_HTML = 8


# ------------------------------------------------------------------ sanitizing
class _TextOnly(HTMLParser):
    """Collects the text of an HTML fragment (the fallback without nh3)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("br", "p", "div", "li", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _nh3_clean(content: str, **options: Any) -> str:
    """nh3's defaults, plus ``open`` on ``<details>`` (a collapse's state)."""
    attributes = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
    attributes.setdefault("details", set()).add("open")
    cleaned = nh3.clean(
        content, attributes=attributes, link_rel="noopener noreferrer nofollow", **options
    )
    return str(cleaned)


def sanitize_html(content: str, *, use_nh3: bool = True) -> str:
    """``content`` made safe to embed: nh3's allow-list, else only its text, escaped.

    nh3 (Ammonia) keeps common formatting tags and attributes, drops scripts,
    event handlers, ``style`` and ``javascript:``/``data:`` URLs. Without it,
    every tag goes and the text is escaped.
    """
    if use_nh3 and nh3 is not None:
        return _nh3_clean(content)
    parser = _TextOnly()
    parser.feed(content)
    parser.close()
    return f'<span class="pwnb-pre">{html.escape("".join(parser.parts))}</span>'


_markdown_parsers: dict[bool, Any] = {}


def _markdown(content: str, use_nh3: bool) -> str:
    """``put_markdown`` content as HTML (markdown-it-py, a dependency; without it, as text)."""
    raw_html = use_nh3 and nh3 is not None
    parser = _markdown_parsers.get(raw_html)
    if parser is None:
        try:
            from markdown_it import MarkdownIt
        except ImportError:  # pragma: no cover - a dependency; a broken install still renders
            return f'<span class="pwnb-pre">{html.escape(content)}</span>'
        # Raw HTML inside markdown only when nh3 cleans the result; else markdown-it
        # escapes it itself (and it refuses javascript:/vbscript:/data: links either way).
        parser = MarkdownIt("commonmark", {"html": raw_html}).enable(["table", "strikethrough"])
        _markdown_parsers[raw_html] = parser
    rendered = str(parser.render(content))
    return sanitize_html(rendered) if raw_html else rendered


# ------------------------------------------------------------------ CSS
_CSS = """
.pwnb-static{font-family:var(--jp-content-font-family,system-ui,sans-serif);
 color:var(--jp-content-font-color1,#212529);line-height:1.5}
.pwnb-static p.pwnb-text,.pwnb-static .pwnb-pre{white-space:pre-wrap;margin:0 0 .5em}
.pwnb-static pre.pwnb-code{background:var(--jp-layout-color2,#f6f8fa);padding:.5em;
 border-radius:4px;overflow:auto}
.pwnb-static table.pwnb-table{border-collapse:collapse;margin:.5em 0}
.pwnb-static table.pwnb-table th,.pwnb-static table.pwnb-table td{
 border:1px solid var(--jp-border-color1,#dee2e6);padding:.3em .6em;vertical-align:top}
.pwnb-static .pwnb-btn{display:inline-block;margin:0 .3em .3em 0;padding:.3em .8em;
 border:1px solid #0d6efd;border-radius:4px;background:#0d6efd;color:#fff;opacity:.65}
.pwnb-static .pwnb-alert{padding:.6em 1em;border-radius:4px;margin:.5em 0;
 border:1px solid #b6d4fe;background:#cfe2ff;color:#084298}
.pwnb-static .pwnb-alert-success{border-color:#badbcc;background:#d1e7dd;color:#0f5132}
.pwnb-static .pwnb-alert-warning{border-color:#ffecb5;background:#fff3cd;color:#664d03}
.pwnb-static .pwnb-alert-danger{border-color:#f5c2c7;background:#f8d7da;color:#842029}
.pwnb-static .pwnb-row{display:grid;grid-auto-flow:column;gap:0}
.pwnb-static .pwnb-column{display:grid;grid-auto-flow:row}
.pwnb-static .pwnb-grid{display:grid}
.pwnb-static .pwnb-scrollable{overflow:auto;display:flex;flex-direction:column}
.pwnb-static .pwnb-scrollable.pwnb-bottom{flex-direction:column-reverse}
.pwnb-static .pwnb-border{border:1px solid var(--jp-border-color1,#dee2e6);padding:.5em}
.pwnb-static .pwnb-tab-title{font-weight:600;border-bottom:2px solid #0d6efd;
 display:inline-block;margin:.5em 0 .3em}
.pwnb-static .pwnb-tab{padding-left:.5em}
.pwnb-static .pwnb-loading{display:inline-block;width:1.5em;height:1.5em;border-radius:50%;
 border:.2em solid currentColor;border-right-color:transparent}
.pwnb-static .pwnb-form{border:1px solid var(--jp-border-color1,#dee2e6);border-radius:4px;
 padding:.8em;margin:.5em 0}
.pwnb-static .pwnb-note{font-style:italic;opacity:.75;margin:.3em 0}
.pwnb-static .pwnb-item{margin:.4em 0}
.pwnb-static .pwnb-item>label{display:block;font-weight:500}
.pwnb-static .pwnb-help{font-size:.85em;opacity:.75}
.pwnb-static progress{width:100%;max-width:30em}
.pwnb-static pre.pwnb-logbox{white-space:pre-wrap;max-height:30em;overflow:auto;margin:0;
 padding:.5em;border:1px solid var(--jp-border-color1,#dee2e6);border-radius:4px}
.pwnb-static .pwnb-link,.pwnb-static .pwnb-file,.pwnb-static img{margin-right:.5em}
""".replace("\n ", "").replace("\n", "")

# Values that go into an inline style: CSS lengths and grid track lists only
# (no ';', ':', quotes, braces or angle brackets can pass).
_CSS_LENGTH = re.compile(r"[0-9.]+(px|%|em|rem|vw|vh|pt)?|auto")
_CSS_TRACK_TOKEN = re.compile(
    r"\s+|[0-9.]+(?:px|%|em|rem|fr|vw|vh|pt|ch)?|auto|min-content|max-content"
    r"|repeat\(|minmax\(|fit-content\(|calc\(|\)|,|[+*/-]"
)


def _css_tracks(value: Any) -> bool:
    """Whether ``value`` is a grid track list made of known tokens only (linear time)."""
    return isinstance(value, str) and 0 < len(value) <= 200 and not _CSS_TRACK_TOKEN.sub("", value)


_GRID_SPAN = re.compile(r"grid-(row|column)-start:\s*span\s+([0-9]{1,4})")
_IMAGE_MIME = re.compile(r"image/(png|jpeg|gif|webp|bmp|avif|svg\+xml)")
_SAFE_URL = re.compile(r"(https?:|mailto:|[^:]*$)", re.IGNORECASE)
_TEXT_TYPES = frozenset({"text", "password", "url", "number", "float", "date", "time"})


def _size_text(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    if size >= 1 << 10:
        return f"{size / (1 << 10):.1f} KB"
    return f"{size} bytes"


def _attr(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _text(value: Any) -> str:
    return html.escape(value if isinstance(value, str) else str(value), quote=False)


def _list(value: Any) -> list[Any]:
    """``value`` when it is a list, else empty (a malformed spec draws nothing, never fails)."""
    return value if isinstance(value, list) else []


def _is_spec(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("type"), str)


# ------------------------------------------------------------------ the blob budget
_CODE_MIMES = frozenset({"text/javascript", "application/javascript"})


class _BlobBudget:
    """Decides which blobs a root embeds: each within the per-blob bound, in order, until
    the root's total is reached (shared by the HTML and the snapshot, so both agree)."""

    def __init__(self, blobs: Iterable[Blob], limits: Limits) -> None:
        self.blobs: dict[str, Blob] = {}
        self.kept: dict[str, Blob] = {}
        used = 0
        for blob in blobs:
            self.blobs[blob.id] = blob
            if blob.mime in _CODE_MIMES:
                # Code for the live page (a chart library, the code editor): a saved copy
                # never runs scripts, so it would only weigh on the notebook file.
                continue
            if blob.size <= limits.blob_bytes and used + blob.size <= limits.total_blob_bytes:
                self.kept[blob.id] = blob
                used += blob.size

    def ref(self, ref: Any) -> tuple[Blob | None, int]:
        """(the blob to embed or None, its size) for a spec's BlobRef."""
        if not isinstance(ref, dict):
            return None, 0
        blob_id = ref.get("blob")
        size = ref.get("size")
        return self.kept.get(str(blob_id)), size if isinstance(size, int) else 0


# ------------------------------------------------------------------ HTML
class _Writer:
    def __init__(self, budget: _BlobBudget, limits: Limits, use_nh3: bool) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.budget = budget
        self.limits = limits
        self.use_nh3 = use_nh3
        self.pins: dict[str, Any] = {}
        #: The text of each logbox, by the DOM id of the scope it lives in.
        self.logs: dict[str, str] = {}

    def emit(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def children(self, items: Iterable[Any]) -> None:
        listed = list(items)
        for index, item in enumerate(listed):
            if self.size > self.limits.html_chars:
                left = len(listed) - index
                self.emit(
                    f'<p class="pwnb-note">… {left} more output{"s" if left != 1 else ""} '
                    "not saved (the saved page is limited in size).</p>"
                )
                return
            self.output(item)

    def output(self, spec: Any) -> None:
        if isinstance(spec, str):
            self.emit(f'<p class="pwnb-text">{_text(spec)}</p>')
            return
        if isinstance(spec, list):
            self.children(spec)
            return
        if not _is_spec(spec):
            return
        render = _RENDERERS.get(spec["type"])
        if render is not None:
            render(self, spec)

    # -------------------------------------------------------------- content
    def text(self, spec: dict[str, Any]) -> None:
        tag = "span" if spec.get("inline") else "p"
        self.emit(f'<{tag} class="pwnb-text">{_text(spec.get("content", ""))}</{tag}>')

    def markdown(self, spec: dict[str, Any]) -> None:
        body = _markdown(str(spec.get("content", "")), self.use_nh3)
        self.emit(f'<div class="pwnb-markdown">{body}</div>')

    def html(self, spec: dict[str, Any]) -> None:
        content = str(spec.get("content", ""))
        if content:
            self.emit(
                f'<div class="pwnb-html">{sanitize_html(content, use_nh3=self.use_nh3)}</div>'
            )

    def code(self, spec: dict[str, Any]) -> None:
        language = re.sub(r"[^a-z0-9_+-]", "", str(spec.get("language") or "").lower())
        cls = f' class="language-{language}"' if language else ""
        self.emit(
            f'<pre class="pwnb-code"><code{cls}>{_text(spec.get("content", ""))}</code></pre>'
        )

    def table(self, spec: dict[str, Any]) -> None:
        spans = spec.get("span") if isinstance(spec.get("span"), dict) else {}
        self.emit('<table class="pwnb-table">')
        for r, row in enumerate(_list(spec.get("data"))):
            self.emit("<tr>")
            for c, cell in enumerate(row if isinstance(row, list) else []):
                tag = "th" if r == 0 else "td"
                extra = ""
                cell_span = spans.get(f"{r},{c}") if spans else None
                if isinstance(cell_span, dict):
                    for key, name in (("row", "rowspan"), ("col", "colspan")):
                        value = cell_span.get(key)
                        if isinstance(value, int) and value > 1:
                            extra += f' {name}="{value}"'
                self.emit(f"<{tag}{extra}>")
                if isinstance(cell, str):
                    self.emit(_text(cell))
                else:
                    self.output(cell)
                self.emit(f"</{tag}>")
            self.emit("</tr>")
        self.emit("</table>")

    def message(self, spec: dict[str, Any]) -> None:
        color = spec.get("color")
        color = color if color in ("info", "success", "warning", "danger") else "info"
        self.emit(f'<div class="pwnb-alert pwnb-alert-{color}" role="alert">')
        self.children(_list(spec.get("contents")))
        self.emit("</div>")

    def link(self, spec: dict[str, Any]) -> None:
        url = str(spec.get("url", ""))
        name = _text(spec.get("name", ""))
        if not _SAFE_URL.match(url.strip()):
            self.emit(f'<span class="pwnb-link">{name}</span>')
            return
        target = ' target="_blank" rel="noopener noreferrer"' if spec.get("new_window") else ""
        self.emit(f'<a class="pwnb-link" href="{_attr(url)}"{target}>{name}</a>')

    def processbar(self, spec: dict[str, Any]) -> None:
        value = spec.get("value", 0)
        value = float(value) if isinstance(value, (int, float)) else 0.0
        value = min(max(value, 0.0), 1.0)
        label = spec.get("label")
        shown = _text(label) if isinstance(label, str) else f"{value * 100:.0f}%"
        self.emit(
            f'<div class="pwnb-progress"><progress max="1" value="{value:g}"></progress> '
            f"<span>{shown}</span></div>"
        )

    def loading(self, spec: dict[str, Any]) -> None:
        self.emit('<span class="pwnb-loading" role="status" title="Loading"></span>')

    def widget(self, spec: dict[str, Any]) -> None:
        template = spec.get("template")
        self.emit('<div class="pwnb-widget">')
        if not (self.use_nh3 and nh3 is not None and isinstance(template, str)):
            # No sanitizer for the app's template HTML: the outputs its data holds.
            found: list[Any] = []
            _nested_specs(spec.get("data"), found)
            self.children(found)
            self.emit("</div>")
            return
        # The template's HTML goes through nh3; the outputs it shows (slots) are drawn
        # by this writer where their markers are left in text. A marker inside an
        # attribute value is removed there (an output is never put in an attribute).
        marker = f"pwnbslot{secrets.token_hex(4)}x"
        markup, slots = render_template(template, spec.get("data"), marker)
        cleaned = _nh3_clean(
            markup,
            attribute_filter=lambda _tag, _name, value: re.sub(f"{marker}[0-9]*", "", value),
        )
        for index, part in enumerate(re.split(f"{marker}([0-9]+){marker}", cleaned)):
            if index % 2 == 0:
                self.emit(part)
            elif int(part) < len(slots):
                self.output(slots[int(part)])
        self.emit("</div>")

    def buttons(self, spec: dict[str, Any]) -> None:
        self.emit('<div class="pwnb-buttons">')
        for button in _list(spec.get("buttons")):
            if isinstance(button, dict):
                label = _text(button.get("label", ""))
                self.emit(f'<button type="button" class="pwnb-btn" disabled>{label}</button>')
        self.emit("</div>")

    # -------------------------------------------------------------- layout
    def scope(self, spec: dict[str, Any]) -> None:
        self.emit('<div class="pwnb-scope">')
        log = self.logs.get(str(spec.get("dom_id")))
        if log is not None:  # a logbox: its text, not its empty <pre>
            self.logbox(log)
        else:
            self.children(_list(spec.get("contents")))
        self.emit("</div>")

    def logbox(self, text: str) -> None:
        keep = self.limits.logbox_chars
        if len(text) > keep:
            tail = text[-keep:]
            start = tail.find("\n")
            # Cut mid-line: from the next line start (unless one line is that long).
            if text[-keep - 1] != "\n" and 0 <= start < len(tail) - 1:
                tail = tail[start + 1 :]
            left = len(text) - len(tail)
            self.emit(f'<p class="pwnb-note">… {left:,} earlier characters not saved</p>')
            text = tail
        self.emit(f'<pre class="pwnb-logbox">{_text(text)}</pre>')

    def scrollable(self, spec: dict[str, Any]) -> None:
        style = []
        for key, prop in (("min_height", "min-height"), ("max_height", "max-height")):
            value = spec.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                style.append(f"{prop}:{value}px")
        classes = "pwnb-scrollable"
        if spec.get("border", True):
            classes += " pwnb-border"
        # column-reverse starts a scroll box at its bottom with no script.
        if spec.get("keep_bottom"):
            classes += " pwnb-bottom"
        self.emit(f'<div class="{classes}" style="{";".join(style)}"><div>')
        self.children(_list(spec.get("contents")))
        self.emit("</div></div>")

    def line(self, spec: dict[str, Any]) -> None:
        kind = "row" if spec.get("type") == "row" else "column"
        size = spec.get("size")
        style = ""
        if _css_tracks(size):
            prop = "grid-template-columns" if kind == "row" else "grid-template-rows"
            style = f' style="{prop}:{_attr(size)}"'
        self.emit(f'<div class="pwnb-{kind}"{style}>')
        for child in _list(spec.get("contents")):
            self.emit("<div>")
            self.output(child)
            self.emit("</div>")
        self.emit("</div>")

    def grid(self, spec: dict[str, Any]) -> None:
        style = []
        for key, prop in (
            ("cell_widths", "grid-template-columns"),
            ("cell_heights", "grid-template-rows"),
        ):
            value = spec.get(key)
            if _css_tracks(value):
                style.append(f"{prop}:{_attr(value)}")
        style.append("grid-auto-flow:" + ("column" if spec.get("direction") == "column" else "row"))
        self.emit(f'<div class="pwnb-grid" style="{";".join(style)}">')
        for child in _list(spec.get("contents")):
            cell_style = ""
            if isinstance(child, dict) and isinstance(child.get("style"), str):
                spans = [f"grid-{a}-start:span {n}" for a, n in _GRID_SPAN.findall(child["style"])]
                cell_style = f' style="{";".join(spans)}"' if spans else ""
            self.emit(f"<div{cell_style}>")
            self.output(child)
            self.emit("</div>")
        self.emit("</div>")

    def collapse(self, spec: dict[str, Any]) -> None:
        is_open = " open" if spec.get("open") else ""
        self.emit(f'<details class="pwnb-collapse"{is_open}>')
        self.emit(f"<summary>{_text(spec.get('title', ''))}</summary>")
        self.children(_list(spec.get("contents")))
        self.emit("</details>")

    def tabs(self, spec: dict[str, Any]) -> None:
        # Every pane, each under its title: no script can switch tabs in a saved page.
        self.emit('<div class="pwnb-tabs">')
        for tab in _list(spec.get("tabs")):
            if not isinstance(tab, dict):
                continue
            self.emit(f'<div class="pwnb-tab-title">{_text(tab.get("title", ""))}</div>')
            self.emit('<div class="pwnb-tab">')
            self.output(tab.get("content"))
            self.emit("</div>")
        self.emit("</div>")

    # -------------------------------------------------------------- media
    def image(self, spec: dict[str, Any]) -> None:
        src = spec.get("src")
        alt = _attr(spec.get("title", ""))
        style = []
        for key in ("width", "height"):
            value = spec.get(key)
            if isinstance(value, str) and _CSS_LENGTH.fullmatch(value):
                style.append(f"{key}:{value}")
        style_attr = f' style="{";".join(style)}"' if style else ""
        if isinstance(src, str):
            if _SAFE_URL.match(src.strip()) and not src.strip().lower().startswith("mailto:"):
                self.emit(f'<img src="{_attr(src)}" alt="{alt}"{style_attr}>')
            return
        blob, size = self.budget.ref(src)
        if blob is None:
            self.emit(f'<p class="pwnb-note">[image of {_size_text(size)}: not saved]</p>')
            return
        mime = blob.mime if _IMAGE_MIME.fullmatch(blob.mime) else _sniff_image(blob)
        data = base64.b64encode(blob.data).decode("ascii")
        self.emit(f'<img src="data:{mime};base64,{data}" alt="{alt}"{style_attr}>')

    def file(self, spec: dict[str, Any]) -> None:
        name = str(spec.get("name", ""))
        label = _text(spec.get("label") or name)
        blob, size = self.budget.ref(spec.get("content"))
        if blob is None:
            self.emit(
                f'<p class="pwnb-file">{label} '
                f'<span class="pwnb-note">({_size_text(size)}: not saved)</span></p>'
            )
            return
        # Always octet-stream: the saved link downloads, it never opens content.
        data = base64.b64encode(blob.data).decode("ascii")
        self.emit(
            f'<a class="pwnb-file" download="{_attr(name)}" '
            f'href="data:application/octet-stream;base64,{data}">{label}</a>'
        )

    # -------------------------------------------------------------- inputs
    def pin(self, spec: dict[str, Any]) -> None:
        item = spec.get("input")
        if isinstance(item, dict):
            self.emit('<div class="pwnb-pin">')
            self.input_item(item)
            self.emit("</div>")

    def form(self, spec: dict[str, Any]) -> None:
        self.emit('<div class="pwnb-form">')
        label = spec.get("label")
        if isinstance(label, str) and label:
            self.emit(f"<h5>{_text(label)}</h5>")
        for item in _list(spec.get("inputs")):
            if isinstance(item, dict):
                self.input_item(item)
        self.emit(
            '<p class="pwnb-note">This form was waiting for an answer when the notebook '
            "was saved; run the cell to answer it.</p></div>"
        )

    def input_item(self, item: dict[str, Any]) -> None:
        kind = str(item.get("type", "text"))
        self.emit('<div class="pwnb-item">')
        label = item.get("label")
        if isinstance(label, str) and label:
            self.emit(f"<label>{_text(label)}</label>")
        value = item.get("value")
        if kind == "textarea":
            rows = item.get("rows")
            rows_attr = f' rows="{rows}"' if isinstance(rows, int) and 0 < rows < 1000 else ""
            shown = value if isinstance(value, str) else ""
            self.emit(f"<textarea disabled{rows_attr}>{_text(shown)}</textarea>")
        elif kind == "select":
            multiple = " multiple" if item.get("multiple") else ""
            self.emit(f"<select disabled{multiple}>")
            for option, selected in _options(item):
                mark = " selected" if selected else ""
                self.emit(f"<option{mark}>{_text(option.get('label', ''))}</option>")
            self.emit("</select>")
        elif kind in ("checkbox", "radio"):
            for option, selected in _options(item):
                mark = " checked" if selected else ""
                self.emit(
                    f'<label><input type="{kind}" disabled{mark}> '
                    f"{_text(option.get('label', ''))}</label> "
                )
        elif kind == "actions":
            for button in _list(item.get("buttons")):
                if isinstance(button, dict):
                    label_text = _text(button.get("label", ""))
                    self.emit(
                        f'<button type="button" class="pwnb-btn" disabled>{label_text}</button>'
                    )
        elif kind == "file":
            self.emit('<input type="file" disabled>')
        elif kind == "slider":
            attrs = ""
            for key, name in (("min_value", "min"), ("max_value", "max"), ("step", "step")):
                bound = item.get(key)
                if isinstance(bound, (int, float)) and not isinstance(bound, bool):
                    attrs += f' {name}="{bound:g}"'
            number = (
                value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
            )
            value_attr = f' value="{number:g}"' if number is not None else ""
            shown = f" <span>{number:g}</span>" if number is not None else ""
            self.emit(f'<input type="range" disabled{attrs}{value_attr}>{shown}')
        else:
            input_type = kind if kind in _TEXT_TYPES else "text"
            if input_type == "float":
                input_type = "number"
            # A password's value is never written into a saved page.
            shown = "" if kind == "password" or value is None else str(value)
            placeholder = item.get("placeholder")
            ph = f' placeholder="{_attr(placeholder)}"' if isinstance(placeholder, str) else ""
            self.emit(f'<input type="{input_type}" disabled value="{_attr(shown)}"{ph}>')
        help_text = item.get("help_text")
        if isinstance(help_text, str) and help_text:
            self.emit(f'<div class="pwnb-help">{_text(help_text)}</div>')
        self.emit("</div>")


def _options(item: dict[str, Any]) -> list[tuple[dict[str, Any], bool]]:
    """The options of a choice widget and whether each is chosen (by value, else flags)."""
    options = [o for o in _list(item.get("options")) if isinstance(o, dict)]
    if "value" in item:
        value = item["value"]
        chosen = value if isinstance(value, list) else [value]
        return [(o, o.get("value") in chosen) for o in options]
    return [(o, bool(o.get("selected"))) for o in options]


def _nested_specs(value: Any, found: list[Any]) -> None:
    if _is_spec(value):
        found.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _nested_specs(item, found)
    elif isinstance(value, list):
        for item in value:
            _nested_specs(item, found)


def _sniff_image(blob: Blob) -> str:
    head = bytes(blob.data[:12])
    for magic, mime in (
        (b"\x89PNG", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF8", "image/gif"),
        (b"BM", "image/bmp"),
    ):
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


_RENDERERS: dict[str, Callable[[_Writer, dict[str, Any]], None]] = {
    "text": _Writer.text,
    "markdown": _Writer.markdown,
    "html": _Writer.html,
    "code": _Writer.code,
    "table": _Writer.table,
    "message": _Writer.message,
    "link": _Writer.link,
    "processbar": _Writer.processbar,
    "loading": _Writer.loading,
    "widget": _Writer.widget,
    "buttons": _Writer.buttons,
    "scope": _Writer.scope,
    "scrollable": _Writer.scrollable,
    "row": _Writer.line,
    "column": _Writer.line,
    "grid": _Writer.grid,
    "collapse": _Writer.collapse,
    "tabs": _Writer.tabs,
    "image": _Writer.image,
    "file": _Writer.file,
    "pin": _Writer.pin,
}


def render_html(
    commands: Sequence[Command],
    blobs: Iterable[Blob] = (),
    limits: Limits = DEFAULT_LIMITS,
    *,
    use_nh3: bool = True,
) -> str:
    """The static HTML of a root, from its snapshot (``page.snapshot`` + open requests).

    ``blobs`` are the blobs those commands name (``BlobStore.referenced``).
    ``output`` commands are drawn in order and pending ``input_group`` forms
    after them; ``logbox`` commands fill their logboxes; popups, toasts and
    other commands are left out.
    """
    writer = _Writer(_BlobBudget(blobs, limits), limits, use_nh3)
    for command in commands:  # the page model's snapshot: each logbox's whole text
        if command["command"] == "logbox":
            box = command["spec"]
            dom_id = SCOPE_PREFIX + logbox_scope(str(box["name"]))
            before = "" if box.get("clear") else writer.logs.get(dom_id, "")
            writer.logs[dom_id] = before + str(box.get("text", ""))
    writer.emit(f'<div class="pwnb-static"><style>{_CSS}</style>')
    outputs = [c["spec"] for c in commands if c["command"] == "output"]
    writer.children(outputs)
    for command in commands:
        if command["command"] == "input_group":
            writer.form(dict(command["spec"]))
    writer.emit("</div>")
    return "".join(writer.parts)


def plain_text(commands: Sequence[Command], root_id: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """A ``text/plain`` stand-in: the root's texts, one a line, cut at ``limits.plain_chars``."""
    found: list[str] = []
    size = 0
    for command in commands:
        if command["command"] != "output":
            continue
        _texts(command["spec"], found)
        size = sum(len(t) + 1 for t in found)
        if size > limits.plain_chars:
            break
    text = "\n".join(found)
    if len(text) > limits.plain_chars:
        text = text[: limits.plain_chars] + "…"
    return text or f"PyWebIO output ({root_id})"


def _texts(spec: Any, out: list[str]) -> None:
    if isinstance(spec, str):
        out.append(spec)
    elif isinstance(spec, list):
        for item in spec:
            _texts(item, out)
    elif isinstance(spec, dict):
        kind = spec.get("type")
        if kind in ("text", "markdown", "code") and isinstance(spec.get("content"), str):
            out.append(spec["content"])
        elif kind == "table":
            for row in _list(spec.get("data")):
                _texts(row, out)
        elif kind == "tabs":
            for tab in _list(spec.get("tabs")):
                if isinstance(tab, dict):
                    _texts(tab.get("content"), out)
        for key in ("contents",):
            if isinstance(spec.get(key), list):
                _texts(spec[key], out)


# ------------------------------------------------------------------ snapshot
def _for_file(value: Any, budget: _BlobBudget) -> Any:
    """``value`` ready to be saved (copied where changed, else itself): html/markdown
    sanitized, passwords blank, blobs that are not saved replaced by a note."""
    if isinstance(value, dict) and value.get("type") in _AS_IS:
        return value  # the common case (a put_text loop) costs one lookup
    if isinstance(value, list):
        new_list = [_for_file(item, budget) for item in value]
        return value if all(a is b for a, b in zip(new_list, value, strict=True)) else new_list
    if not isinstance(value, dict):
        return value
    kind = value.get("type")
    if kind in ("html", "markdown") and value.get("sanitize") is not True and "content" in value:
        return {**value, "sanitize": True}
    if kind == "password" and "value" in value:
        return {k: v for k, v in value.items() if k != "value"}
    if kind in ("image", "file"):
        ref = value.get("src") if kind == "image" else value.get("content")
        if isinstance(ref, dict):
            blob, size = budget.ref(ref)
            if blob is None:
                note = {"type": "text", "content": f"[{kind} of {_size_text(size)}: not saved]"}
                for key in ("scope", "position", "style"):
                    if key in value:
                        note[key] = value[key]
                return note
        return value
    changed: dict[str, Any] | None = None
    for key, item in value.items():
        if isinstance(item, (dict, list)):
            new = _for_file(item, budget)
            if new is not item:
                if changed is None:
                    changed = dict(value)
                changed[key] = new
    return value if changed is None else changed


def snapshot_data(
    root_id: str,
    commands: Sequence[Command],
    blobs: Iterable[Blob] = (),
    limits: Limits = DEFAULT_LIMITS,
    *,
    count_size: bool = True,
) -> dict[str, Any] | None:
    """The :data:`SNAPSHOT_MIME` entry of a root (see the module doc), or None past the bound.

    ``count_size=False`` skips serializing it to check ``limits.snapshot_chars`` (for a
    caller that knows it is far below).
    """
    budget = _BlobBudget(blobs, limits)
    kept: list[Command] = []
    for command in commands:
        if command["command"] in _LIVE_ONLY:
            continue
        spec = command["spec"]
        saved = _for_file(spec, budget)
        if saved is not spec:
            command = cast(Command, {**command, "spec": saved})
        kept.append(command)
    blob_commands: list[Command] = []
    buffers: list[str] = []
    for blob in budget.kept.values():
        for spec, chunk in blob.chunks(CHUNK_SIZE):
            spec["buffer"] = len(buffers)
            blob_commands.append(make_command("blob", spec))
            buffers.append(base64.b64encode(chunk).decode("ascii"))
    data = {
        "version": SNAPSHOT_VERSION,
        "root": root_id,
        "commands": blob_commands + kept,
        "buffers": buffers,
    }
    if count_size and len(json.dumps(data["commands"], default=str)) > limits.snapshot_chars:
        return None
    return data


def display_entries(
    root_id: str,
    commands: Sequence[Command],
    blobs: Sequence[Blob],
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """``text/plain``, ``text/html`` and (within bounds) the snapshot of a root."""
    page = render_html(commands, blobs, limits)
    entries: dict[str, Any] = {
        "text/plain": plain_text(commands, root_id, limits),
        "text/html": page,
    }
    count = len(page) * _JSON_PER_HTML > limits.snapshot_chars
    snapshot = snapshot_data(root_id, commands, blobs, limits, count_size=count)
    if snapshot is not None:
        entries[SNAPSHOT_MIME] = snapshot
    return entries
