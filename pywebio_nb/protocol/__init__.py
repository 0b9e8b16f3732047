"""The wire schema: every command and event exchanged with the browser.

This package is the single source of truth for message shapes. It follows the
"Server-Client communication protocol" chapter of the PyWebIO 1.7 manual:

* a *command* goes from the Python side to the browser:
  ``{"command": name, "task_id": str | None, "spec": ...}``;
* an *event* goes from the browser to the Python side:
  ``{"event": name, "task_id": str | None, "data": ...}``.

Several commands always travel together as a JSON list (one WebSocket frame or
one Jupyter comm message carries a whole batch). A browser sends one event per
message.

Every ``output`` spec and every form item is a TypedDict tagged by its
``type`` field (``Literal``), so a builder that writes a wrong field or forgets
a required one fails ``mypy``; :data:`OutputSpec` and :data:`InputItemSpec` are
the unions, and the name lists (:data:`COMMAND_NAMES`, :data:`OUTPUT_TYPES`,
...) are read from the unions, never written twice. The constants the renderer
shares with Python (scope ids, toast colours) live here too.

Extensions to PyWebIO's protocol are additive and marked as such below: the
``ping`` command / ``pong`` event handshake used by the notebook transport to
detect whether any frontend is listening; binary content as blobs (``BlobRef``
in a spec, ``blob`` commands carrying the bytes as comm buffers or binary
WebSocket frames); uploaded files the other way, as ``upload_chunk`` events
whose bytes ride in the same kind of buffers and frames, which the
``from_submit`` of a ``file`` item then names by blob id (PyWebIO puts the
files base64-encoded into ``from_submit``); the ``set_processbar`` command
(PyWebIO runs a script for it; a command of its own lets the page model keep a
bar's value and the session coalesce a burst of updates into the last one); the
``pin_change`` event, sent for every user change of a pin widget, so the
session keeps pin values (reads need no ``pin_value`` round trip) and runs
``pin_wait_change`` / ``pin_on_change`` itself; ``pin_update`` attributes
``{"expired": true}`` for a pin widget a newer one of its name replaced; the
``logbox`` command (battery's ``logbox_append``, a script per call in PyWebIO).

``js/src/protocol.gen.ts`` is generated from this package by
``python scripts/gen_protocol_ts.py``; a test fails when the committed file
drifts from these definitions.

Layout, one module per concern (the package re-exports everything):

* ``_common``: shared constants, scope ids, the base of every output spec;
* ``_inputs``: form items;
* ``_outputs_content`` / ``_outputs_layout`` / ``_outputs_media``: the output
  specs of each family; ``_outputs``: the :data:`OutputSpec` union (the only
  place that lists every output type) and the specs outside the families;
* ``_commands``: the other command specs, the ``Command`` union,
  :func:`make_command`;
* ``_events``: the ``Event`` union, :func:`parse_event`;
* ``_encode``: :func:`dumps_batch`, the JSON text of a batch (``orjson`` when installed),
  and :func:`dumps_batch_utf8`, the same as UTF-8 bytes.
"""

from ._commands import (
    COMMAND_NAMES,
    BlobSpec,
    Command,
    CommBatch,
    DownloadSpec,
    LogboxSpec,
    OutputCtlSpec,
    PingSpec,
    PinOnChangeSpec,
    PinUpdateSpec,
    PinValueSpec,
    PinWaitSpec,
    PopupSpec,
    ResyncSpec,
    RunScriptSpec,
    SetEnvSpec,
    SetProcessbarSpec,
    ToastSpec,
    make_command,
)
from ._common import (
    ROOT_SCOPE,
    SCOPE_PREFIX,
    TOAST_COLORS,
    ProtocolError,
    scope_dom_id,
    scope_selector,
)
from ._encode import dumps_batch, dumps_batch_utf8
from ._events import (
    EVENT_NAMES,
    EXTENSION_EVENT_NAMES,
    MAX_NESTING,
    AckData,
    Event,
    InputEventData,
    PongData,
    ResumeData,
    UploadChunkData,
    loads_event,
    parse_event,
)
from ._inputs import (
    INPUT_TYPES,
    TEXT_INPUT_TYPES,
    ActionButtonSpec,
    ActionsInputSpec,
    CheckboxInputSpec,
    FileInputSpec,
    InputActionSpec,
    InputGroupSpec,
    InputItemSpec,
    OptionSpec,
    RadioInputSpec,
    SelectInputSpec,
    SliderInputSpec,
    TextareaInputSpec,
    TextInputSpec,
    UpdateInputSpec,
)

# Public but outside __all__ (it was so in the single module); the "as" form
# re-exports it for mypy's strict no-implicit-reexport.
from ._inputs import UpdateInputAttributes as UpdateInputAttributes
from ._outputs import OUTPUT_TYPES, ButtonsOutputSpec, OutputButtonSpec, OutputSpec, PinOutputSpec
from ._outputs_content import (
    CodeOutputSpec,
    HtmlOutputSpec,
    LinkOutputSpec,
    LoadingOutputSpec,
    MarkdownOutputSpec,
    MessageOutputSpec,
    ProcessbarOutputSpec,
    TableOutputSpec,
    TextOutputSpec,
    WidgetOutputSpec,
)
from ._outputs_layout import (
    LayoutOutputSpec,
    ScopeOutputSpec,
    ScrollableOutputSpec,
    TabsOutputSpec,
    TabSpec,
)
from ._outputs_media import BlobRef, FileOutputSpec, ImageOutputSpec

__all__ = [
    "COMMAND_NAMES",
    "EVENT_NAMES",
    "EXTENSION_EVENT_NAMES",
    "INPUT_TYPES",
    "MAX_NESTING",
    "OUTPUT_TYPES",
    "ROOT_SCOPE",
    "SCOPE_PREFIX",
    "TEXT_INPUT_TYPES",
    "TOAST_COLORS",
    "AckData",
    "ActionButtonSpec",
    "ActionsInputSpec",
    "BlobRef",
    "BlobSpec",
    "ButtonsOutputSpec",
    "CheckboxInputSpec",
    "CodeOutputSpec",
    "CommBatch",
    "Command",
    "DownloadSpec",
    "Event",
    "FileInputSpec",
    "FileOutputSpec",
    "HtmlOutputSpec",
    "ImageOutputSpec",
    "InputActionSpec",
    "InputEventData",
    "InputGroupSpec",
    "InputItemSpec",
    "LayoutOutputSpec",
    "LinkOutputSpec",
    "LoadingOutputSpec",
    "LogboxSpec",
    "MarkdownOutputSpec",
    "MessageOutputSpec",
    "OptionSpec",
    "OutputButtonSpec",
    "OutputCtlSpec",
    "OutputSpec",
    "PinOnChangeSpec",
    "PinOutputSpec",
    "PinUpdateSpec",
    "PinValueSpec",
    "PinWaitSpec",
    "PingSpec",
    "PongData",
    "PopupSpec",
    "ProcessbarOutputSpec",
    "ProtocolError",
    "RadioInputSpec",
    "ResumeData",
    "ResyncSpec",
    "RunScriptSpec",
    "ScopeOutputSpec",
    "ScrollableOutputSpec",
    "SelectInputSpec",
    "SetEnvSpec",
    "SetProcessbarSpec",
    "SliderInputSpec",
    "TabSpec",
    "TableOutputSpec",
    "TabsOutputSpec",
    "TextInputSpec",
    "TextOutputSpec",
    "TextareaInputSpec",
    "ToastSpec",
    "UpdateInputSpec",
    "UploadChunkData",
    "WidgetOutputSpec",
    "dumps_batch",
    "dumps_batch_utf8",
    "loads_event",
    "make_command",
    "parse_event",
    "scope_dom_id",
    "scope_selector",
]
