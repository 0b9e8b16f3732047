"""The page model: a small server-side copy of the output tree.

Every ``output`` and ``output_ctl`` command a session sends is applied here, so
the Python side always knows which scopes exist, what they contain and which
*root* shows them. A root is one rendering surface: the single page of a server
session, or one cell's widget in a notebook. Named scopes are unique across all
roots of a session (``use_scope('x')`` in one cell updates scope ``x`` shown in
another), while every root has its own ``ROOT`` scope.

The model is what tests assert on and what the notebook transport uses to route
a command to the root that shows its target scope.

Scopes live in three kinds of places, all registered by name:

* plain scopes (``use_scope``/``set_scope``, a top-level ``put_scope``) are
  :class:`ScopeNode` children of their parent scope;
* an output entered as a context manager (``with put_row():``) carries a
  ``container_dom_id``: it becomes a ScopeNode whose ``spec`` is the widget
  and whose children are the widget's contents;
* scopes nested inside an output (``put_scope`` in a table cell, a tab, a grid,
  a popup) replace their spec in the model's *copy* of that output's spec, so
  ``put_text(scope=...)`` into them later updates the tree (the specs already
  sent are never edited).

The popup shown by each root is a ScopeNode in :attr:`PageModel.popups`.
:meth:`PageModel.snapshot` turns the tree back into commands that rebuild it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, overload

from ..protocol import (
    ROOT_SCOPE,
    SCOPE_PREFIX,
    Command,
    OutputCtlSpec,
    OutputSpec,
    make_command,
    scope_dom_id,
    scope_selector,
)

__all__ = [
    "ROOT",
    "SCOPE_PREFIX",
    "UNKNOWN",
    "PageModel",
    "PinObserver",
    "PinTable",
    "ScopeNode",
    "initial_pin_value",
    "scope_dom_id",
    "scope_selector",
]

#: The ROOT scope's name (defined by the protocol, shared with the renderer).
ROOT = ROOT_SCOPE


#: The selector of the ROOT scope, where most output goes (see PageModel.apply).
_ROOT_SELECTOR = scope_selector(ROOT)

#: Commands that wait for an answer from the browser (``run_script`` only with ``eval``).
_REQUESTS = frozenset({"input_group", "pin_value", "pin_wait", "run_script"})


def _name_from_selector(selector: str | None) -> str | None:
    if selector and selector.startswith("#" + SCOPE_PREFIX):
        return selector[len(SCOPE_PREFIX) + 1 :]
    return None


@dataclass(eq=False)
class ScopeNode:
    """A scope: an ordered list of children (output specs or nested scopes).

    ``spec`` is set when the scope is the content slot of a widget (an output
    used as a context manager, or a popup): the widget's spec without its
    contents, which are ``children``. ``detached`` marks a scope removed from
    inside another output's spec.
    """

    name: str
    root_id: str
    parent: ScopeNode | None = None
    children: list[ScopeNode | OutputSpec] = field(default_factory=list)
    spec: dict[str, Any] | None = None
    detached: bool = False

    def texts(self) -> list[str]:
        """The text content of this scope, depth first (handy in tests)."""
        out: list[str] = []
        for child in self.children:
            if isinstance(child, ScopeNode):
                out.extend(child.texts())
            else:
                _collect_text(child, out)
        return out


def _collect_text(spec: Any, out: list[str]) -> None:
    if isinstance(spec, ScopeNode):
        if not spec.detached:
            out.extend(spec.texts())
    elif isinstance(spec, dict):
        if (
            spec.get("type") in ("text", "markdown", "html", "code")
            and isinstance(spec.get("content"), str)
            and spec["content"]  # an empty html output is a layout gap
        ):
            out.append(spec["content"])
        if spec.get("type") == "table" and isinstance(spec.get("data"), list):
            for row in spec["data"]:  # cells are strings or nested output specs
                for cell in row if isinstance(row, list) else []:
                    if isinstance(cell, str):
                        out.append(cell)
                    else:
                        _collect_text(cell, out)
        for key in ("contents", "content"):
            value = spec.get(key)
            if isinstance(value, list):
                for item in value:
                    _collect_text(item, out)
        if isinstance(spec.get("tabs"), list):
            for tab in spec["tabs"]:
                if isinstance(tab, dict):
                    _collect_text(tab.get("content"), out)
    elif isinstance(spec, list):
        for item in spec:
            _collect_text(item, out)


#: Output types whose specs never nest other outputs (so never a scope).
_LEAF_TYPES = frozenset(
    {"text", "markdown", "html", "code", "buttons", "link", "processbar", "image", "file", "pin"}
)


#: Output types that never hold a pin widget (the pin search skips them).
_PINLESS_TYPES = _LEAF_TYPES - {"pin"}


def _scope_name(dom_id: object) -> str | None:
    """The scope name of a scope's DOM id (``pywebio-scope-NAME``), else None."""
    if (
        isinstance(dom_id, str)
        and dom_id.startswith(SCOPE_PREFIX)
        and len(dom_id) > len(SCOPE_PREFIX)
    ):
        return dom_id[len(SCOPE_PREFIX) :]
    return None


def _to_wire(item: Any) -> Any:
    """The output spec a model child stands for (scopes back to ``scope`` specs)."""
    if isinstance(item, ScopeNode):
        contents = [_to_wire(child) for child in item.children]
        if item.detached:
            return {"type": "html", "content": "", "sanitize": False}
        if item.spec is not None:
            return {**{k: _to_wire(v) for k, v in item.spec.items()}, "contents": contents}
        return {"type": "scope", "dom_id": scope_dom_id(item.name), "contents": contents}
    if isinstance(item, list):
        return [_to_wire(value) for value in item]
    if isinstance(item, dict):
        if item.get("type") == "pin":  # no scope inside; the pin table knows its form item
            return dict(item)
        return {key: _to_wire(value) for key, value in item.items()}
    return item


def _insert(children: list[Any], item: Any, position: int) -> None:
    """Insert with the manual's rules: >= 0 before that index, < 0 after it."""
    if position >= 0:
        children.insert(min(position, len(children)), item)
    else:
        index = len(children) + position
        if index < 0:
            children.insert(0, item)
        else:
            children.insert(index + 1, item)


# ------------------------------------------------------------------ pins
class PinObserver(Protocol):
    """What the pin API plugs into :attr:`PinTable.observer` (the arrow points down)."""

    def pin_changed(self, name: str, value: Any) -> None:
        """The user changed pin ``name`` to the wire ``value`` (called outside the lock)."""


#: Marks a pin value the Python side cannot know without asking the browser.
UNKNOWN: Any = object()

_INTEGER = re.compile(r"-?[0-9]+")


def initial_pin_value(item: dict[str, Any]) -> Any:
    """The wire value the renderer's view of form item ``item`` starts with, or UNKNOWN.

    Only the cases where the browser cannot alter the value are known: a text
    field's string, the selected options of a choice widget (their wire values
    are option indices), a slider value inside its range and on a step. A date
    the browser would sanitise, a colour, a slider it would clamp ask the
    browser (``pin_value``) once instead. ``tests/conformance/pin_initial.json``
    holds the cases pytest and Vitest both run.
    """
    kind = item.get("type", "text")
    value = item.get("value")
    if kind in ("text", "password", "url", "float", "textarea"):
        return "" if value is None else value if isinstance(value, str) else UNKNOWN
    if kind in ("number", "date", "time", "datetime-local"):
        if value is None or value == "":
            return ""
        return (
            value
            if kind == "number" and isinstance(value, str) and _INTEGER.fullmatch(value)
            else UNKNOWN
        )
    if kind == "actions":
        return None
    if kind in ("select", "checkbox", "radio"):
        options = item.get("options") or []
        chosen = [o.get("value") for o in options if isinstance(o, dict) and o.get("selected")]
        if kind == "checkbox" or (kind == "select" and item.get("multiple")):
            return chosen
        if len(chosen) == 1:
            return chosen[0]
        if chosen:
            return UNKNOWN
        if kind == "radio":
            return None
        first = options[0] if options and isinstance(options[0], dict) else None
        if first is None:
            return None
        return UNKNOWN if first.get("disabled") else first.get("value")
    if kind == "slider":
        return _slider_value(item)
    return UNKNOWN


def _slider_value(item: dict[str, Any]) -> Any:
    value = item.get("value", item.get("min_value", 0))
    low, high, step = item.get("min_value", 0), item.get("max_value", 100), item.get("step", 1)
    numbers = (value, low, high, step)
    if not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers):
        return UNKNOWN
    steps = (value - low) / step if step else 0
    if not low <= value <= high or not math.isclose(steps, round(steps), abs_tol=1e-9):
        return UNKNOWN
    return value if item.get("float") else int(value)


class PinTable:
    """The pin widgets (``pywebio_nb.pin``) a session shows, and their latest values.

    A name has at most one live widget: the form item (a dict, by identity) of
    the last ``pin`` output of that name; an older one has expired, as in
    PyWebIO. ``values`` holds the latest *wire* value of a live widget when the
    Python side knows it: the value the widget starts with
    (:func:`initial_pin_value`), a ``pin_update`` value, a ``pin_change``
    event. A live name without a value is asked for (``pin_value``) and the
    answer stored with :meth:`changed`. A widget that leaves the tree takes
    its value with it. ``updates`` keeps the attributes ``pin_update`` changed,
    so a snapshot redraws the widget as it is now.
    """

    # One per session, and most sessions show no pin: slots, and the four tables
    # made on first use (four empty dicts and an instance dict: ~0.4 KB a session).
    __slots__ = ("_items", "_roots", "_updates", "_values", "active", "observer")

    def __init__(self) -> None:
        #: Set by the pin API when a session makes its first pin: until then an
        #: output's spec is never searched for pins (the hot path stays as it was).
        self.active = False
        self._items: dict[str, dict[str, Any]] | None = None
        self._roots: dict[str, str] | None = None
        self._values: dict[str, Any] | None = None
        self._updates: dict[str, dict[str, Any]] | None = None
        self.observer: PinObserver | None = None

    @property
    def items(self) -> dict[str, dict[str, Any]]:
        """The live widget of each name: the form item of its last ``pin`` output."""
        if self._items is None:
            self._items = {}
        return self._items

    @property
    def roots(self) -> dict[str, str]:
        """The root each live widget is shown in, by name."""
        if self._roots is None:
            self._roots = {}
        return self._roots

    @property
    def values(self) -> dict[str, Any]:
        """The latest wire value of a live widget, by name, when known."""
        if self._values is None:
            self._values = {}
        return self._values

    @property
    def updates(self) -> dict[str, dict[str, Any]]:
        """The attributes ``pin_update`` changed, by name."""
        if self._updates is None:
            self._updates = {}
        return self._updates

    def register(self, spec: Any, root_id: str) -> None:
        """Register every pin widget inside an output spec (nested ones too)."""
        if isinstance(spec, list):
            for value in spec:
                if isinstance(value, (dict, list)):
                    self.register(value, root_id)
        elif isinstance(spec, dict):
            kind = spec.get("type")
            if kind == "pin":
                item = spec.get("input")
                if isinstance(item, dict) and isinstance(item.get("name"), str):
                    self._add(item, root_id)
                return
            if kind in _PINLESS_TYPES:
                return
            for value in spec.values():
                if isinstance(value, (dict, list)):
                    self.register(value, root_id)

    def _add(self, item: dict[str, Any], root_id: str) -> None:
        name = item["name"]
        self.items[name] = item
        self.roots[name] = root_id
        self.updates.pop(name, None)
        value = initial_pin_value(item)
        if value is UNKNOWN:
            self.values.pop(name, None)
        else:
            self.values[name] = value

    def drop(self, spec: dict[str, Any]) -> None:
        """A ``pin`` output left the tree: forget its name unless a newer widget has it."""
        item = spec.get("input")
        if isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, str) and self.items.get(name) is item:
                for table in (self.items, self.roots, self.values, self.updates):
                    table.pop(name, None)

    def live(self, name: str) -> bool:
        return name in self.items

    def changed(self, name: str, value: Any) -> bool:
        """Record the wire ``value`` the browser reported; False for a name not shown."""
        if name not in self.items:
            return False
        self.values[name] = value
        return True

    def update(self, name: str, attributes: dict[str, Any]) -> None:
        """A ``pin_update``: its value becomes the known value (UNKNOWN forgets it)."""
        if name not in self.items:
            return
        self.updates.setdefault(name, {}).update(attributes)
        if "value" in attributes:
            value = attributes["value"]
            if value is UNKNOWN:
                self.updates[name].pop("value")
                self.values.pop(name, None)
            else:
                self.values[name] = value

    def refresh(self, spec: Any) -> Any:
        """``spec`` (a wire copy) with each pin widget as it is now: a live one with its
        value and updates, an expired one marked ``expired`` (the renderer shows the notice)."""
        if isinstance(spec, list):
            return [self.refresh(value) for value in spec]
        if not isinstance(spec, dict):
            return spec
        if spec.get("type") == "pin" and isinstance(spec.get("input"), dict):
            shown: dict[str, Any] = spec["input"]
            name = str(shown.get("name"))
            if self.items.get(name) is not shown:  # a newer widget took the name
                return {**spec, "input": {**shown, "expired": True}}
            if name in self.values:
                item = {**shown, **self.updates.get(name, {})}
                item["value"] = self.values[name]
                if isinstance(item.get("options"), list):  # choice widgets: by the value
                    item["options"] = [
                        {k: v for k, v in o.items() if k != "selected"}
                        if isinstance(o, dict)
                        else o
                        for o in item["options"]
                    ]
                return {**spec, "input": item}
            return spec
        return {key: self.refresh(value) for key, value in spec.items()}


#: How much of a logbox's text (its tail, in characters) a snapshot brings back.
LOGBOX_KEEP = 1_000_000


def logbox_scope(name: str) -> str:
    """The scope a logbox called ``name`` lives in (``pywebio_nb.battery.put_logbox``).

    Scope names are DOM id parts (letters, digits, ``-``, ``_``); logbox names are any text.
    """
    return "logbox-" + name.encode("utf-8").hex()


_K = TypeVar("_K")
_V = TypeVar("_V")


class _Table(Generic[_K, _V]):
    """A dict attribute made on first use; the instance holds None until then.

    A page model is one per session, and most sessions never open a popup,
    update a progress bar, show a logbox or wait for a form: their empty dicts
    took ~0.25 KB a session. The attribute ``<name>_table`` holds the dict
    (set to None in ``__init__``, in a fixed order: the instances keep sharing
    their dict's keys).
    """

    __slots__ = ("_slot",)

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = name + "_table"

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _Table[_K, _V]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> dict[_K, _V]: ...
    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        table = getattr(obj, self._slot)
        if table is None:
            table = {}
            setattr(obj, self._slot, table)
        return table

    def __set__(self, obj: object, value: dict[_K, _V]) -> None:
        setattr(obj, self._slot, value)


class PageModel:
    """The output tree of one session, across all of its roots."""

    #: The popup each root shows: its content scope (``spec``: the popup's spec).
    popups = _Table[str, "ScopeNode"]()
    # progress bar name -> (scope, child) where it was last updated: a burst
    # of set_processbar finds its bar without walking the whole tree.
    _bars = _Table[str, "tuple[ScopeNode, Any]"]()
    #: Requests the browser has not answered yet, by task id: (root, command).
    #: A frontend rebuilt from a snapshot gets them again (an open form, an
    #: ``eval_js`` whose answer was lost with the connection).
    requests = _Table[str, "tuple[str, Command]"]()
    #: The text appended to each logbox (``logbox`` commands), by the box's scope
    #: name: (logbox name, chunks, their length), the tail kept to LOGBOX_KEEP.
    _logs = _Table[str, "tuple[str, list[str], int]"]()

    def __init__(self) -> None:
        self.roots: dict[str, ScopeNode] = {}
        self._named: dict[str, ScopeNode] = {}
        self.popups_table: dict[str, ScopeNode] | None = None
        self._bars_table: dict[str, tuple[ScopeNode, Any]] | None = None
        #: The pin widgets shown and their values (see :class:`PinTable`).
        self.pins = PinTable()
        self.requests_table: dict[str, tuple[str, Command]] | None = None
        self._logs_table: dict[str, tuple[str, list[str], int]] | None = None

    # ------------------------------------------------------------------ lookup
    def root(self, root_id: str) -> ScopeNode:
        """The ROOT scope of ``root_id`` (created on first use)."""
        node = self.roots.get(root_id)
        if node is None:
            node = self.roots[root_id] = ScopeNode(ROOT, root_id)
        return node

    def scope(self, name: str, root_id: str | None = None) -> ScopeNode | None:
        """The scope called ``name`` (``ROOT`` needs ``root_id``), or None."""
        if name == ROOT:
            return self.root(root_id) if root_id is not None else None
        return self._named.get(name)

    def root_of(self, name: str) -> str | None:
        """The root that shows scope ``name``, or None when it does not exist."""
        node = self._named.get(name)
        return node.root_id if node is not None else None

    @property
    def popup_root(self) -> str | None:
        """A root that shows a popup (the API keeps at most one per session), or None."""
        return next(iter(self.popups), None)

    def _target(self, selector: str | None, root_id: str) -> ScopeNode | None:
        name = _name_from_selector(selector)
        return self.scope(name, root_id) if name is not None else None

    # ---------------------------------------------------------------- snapshot
    def snapshot(self, root_id: str) -> list[Command]:
        """Commands that rebuild what ``root_id`` shows on an empty root (for a reload).

        One ``output`` per child of the root's ROOT scope, in order, then the
        ``popup`` it shows, if any.
        """
        commands: list[Command] = []
        root_selector = scope_selector(ROOT)
        for child in self.root(root_id).children:
            spec = _to_wire(child)
            if self.pins.active:
                spec = self.pins.refresh(spec)
            spec["scope"] = root_selector
            spec["position"] = -1
            commands.append(make_command("output", spec))
        popup = self.popups.get(root_id)
        if popup is not None and popup.spec is not None:
            shown: Any = {**popup.spec, "content": [_to_wire(c) for c in popup.children]}
            commands.append(make_command("popup", shown))
        for scope, (name, chunks, _size) in self._logs.items():
            if chunks and self.root_of(scope) == root_id:
                text = "".join(chunks)
                commands.append(make_command("logbox", {"name": name, "text": text, "clear": True}))
        return commands

    def logbox_text(self, name: str) -> str:
        """The text logbox ``name`` shows (its tail), "" for none."""
        entry = self._logs.get(logbox_scope(name))
        return "".join(entry[1]) if entry is not None else ""

    def _logbox(self, name: str, text: str, clear: bool) -> None:
        scope = logbox_scope(name)
        entry = self._logs.get(scope)
        chunks, size = ([], 0) if entry is None or clear else entry[1:]
        if text:
            chunks.append(text)
            size += len(text)
            if size > LOGBOX_KEEP:  # keep the tail, in one chunk
                tail = "".join(chunks)[-LOGBOX_KEEP:]
                chunks, size = [tail], len(tail)
        self._logs[scope] = (name, chunks, size)

    def drop_root(self, root_id: str) -> None:
        """Forget root ``root_id`` (a notebook cell re-run): its scopes, popup, requests."""
        node = self.roots.pop(root_id, None)
        if node is not None:
            self._forget(node)
        self._forget(self.popups.pop(root_id, None))
        self.requests = {k: v for k, v in self.requests.items() if v[0] != root_id}

    def open_requests(self, root_id: str) -> list[Command]:
        """The unanswered requests (forms, ``eval_js``, pin waits) of ``root_id``, oldest first."""
        return [command for root, command in self.requests.values() if root == root_id]

    def request_done(self, task_id: str) -> None:
        """The wait for ``task_id`` ended: a snapshot no longer asks again."""
        self.requests.pop(task_id, None)

    # ------------------------------------------------------------------ update
    def apply(self, command: Command, root_id: str) -> None:
        """Update the model with one command sent to ``root_id``."""
        if command["command"] == "output":
            spec = command["spec"]
            selector = spec.get("scope")
            if selector == _ROOT_SELECTOR:  # no selector parsing
                if spec.get("position", -1) == -1:
                    self.append_output(spec, root_id)
                    return
                target: ScopeNode | None = self.roots.get(root_id) or self.root(root_id)
            else:
                target = self._target(selector, root_id)
            if target is not None:
                position = spec.get("position", -1)
                if position == -1:  # appended (the default): no index arithmetic
                    target.children.append(self._adopt(spec, target))
                else:
                    _insert(target.children, self._adopt(spec, target), position)
                if self.pins.active and spec.get("type") not in _PINLESS_TYPES:
                    self.pins.register(spec, target.root_id)
        elif command["command"] == "output_ctl":
            self._apply_ctl(command["spec"], root_id)
        elif command["command"] == "popup":
            self._popup(command["spec"], root_id)
            if self.pins.active:
                self.pins.register(command["spec"].get("content"), root_id)
        elif command["command"] == "pin_update":
            self.pins.update(command["spec"]["name"], command["spec"]["attributes"])
        elif command["command"] == "close_popup":
            self._forget(self.popups.pop(root_id, None))
        elif command["command"] == "logbox":
            box = command["spec"]
            self._logbox(box["name"], box["text"], bool(box.get("clear")))
        elif command["command"] == "set_processbar":
            bar = command["spec"]
            self._set_processbar(bar["name"], bar["value"], bar.get("label"))
        elif command["command"] in _REQUESTS and command["task_id"]:
            if command["command"] != "run_script" or command["spec"].get("eval"):
                self.requests[command["task_id"]] = (root_id, command)
        elif command["command"] == "destroy_form" and command["task_id"]:
            self.requests.pop(command["task_id"], None)

    def append_output(self, spec: OutputSpec, root_id: str) -> None:
        """:meth:`apply` of an ``output`` command appended to ``root_id``'s ROOT scope.

        The hot path (``put_text()`` in a loop): what the general case does for
        that target and position, without the command's dispatch.
        """
        target = self.roots.get(root_id) or self.root(root_id)
        kind = spec.get("type")
        if kind in _LEAF_TYPES and "container_dom_id" not in spec:
            target.children.append(spec)  # what _adopt() gives a leaf, one call less
        else:
            target.children.append(self._adopt(spec, target))
        if self.pins.active and kind not in _PINLESS_TYPES:
            self.pins.register(spec, target.root_id)

    def _register(self, name: str, parent: ScopeNode | None, root_id: str) -> ScopeNode:
        """A new scope called ``name``; an older scope of that name goes (names are unique)."""
        node = ScopeNode(name, root_id, parent)
        self._forget(self._named.get(name))
        self._named[name] = node
        self._logs.pop(name, None)  # a new logbox of that name starts empty
        return node

    def _adopt(self, output: OutputSpec, parent: ScopeNode) -> ScopeNode | OutputSpec:
        """The child an output spec becomes; registers every scope it creates.

        A ``scope`` output is a ScopeNode; an output with a ``container_dom_id``
        (entered as a context manager) is a ScopeNode holding the widget; other
        outputs stay specs, copied where they nest scopes (see the module doc).
        """
        spec: dict[str, Any] = output  # type: ignore[assignment]  # read generically
        kind = spec.get("type")
        if kind in _LEAF_TYPES and "container_dom_id" not in spec:
            return output  # the hot path (put_text in a loop): nothing can nest here
        if kind == "scope":
            name = _scope_name(spec.get("dom_id"))
            if name is not None:
                node = self._register(name, parent, parent.root_id)
                for child in spec.get("contents", []):
                    node.children.append(self._adopt(child, node))
                return node
        container = _scope_name(spec.get("container_dom_id"))
        if container is not None:
            node = self._register(container, parent, parent.root_id)
            node.spec = {
                key: self._embed(value, node)
                for key, value in spec.items()
                if key not in ("contents", "scope", "position")
            }
            node.children = [self._adopt(child, node) for child in spec.get("contents", [])]
            return node
        embedded: Any = self._embed(spec, parent)
        return embedded  # type: ignore[no-any-return]

    def _embed(self, value: Any, parent: ScopeNode) -> Any:
        """``value`` with every nested ``scope`` spec replaced by its new ScopeNode.

        Returns ``value`` itself when it nests no scope (no copy on the hot path).
        """
        if isinstance(value, list):
            copied_list: list[Any] | None = None
            for index, item in enumerate(value):
                if isinstance(item, (dict, list)):
                    new_item = self._embed(item, parent)
                    if new_item is not item:
                        if copied_list is None:
                            copied_list = list(value)
                        copied_list[index] = new_item
            return value if copied_list is None else copied_list
        if not isinstance(value, dict):
            return value
        if value.get("type") == "scope":
            name = _scope_name(value.get("dom_id"))
            if name is not None:
                node = self._register(name, parent, parent.root_id)
                node.children = [self._adopt(child, node) for child in value.get("contents", [])]
                return node
        if value.get("type") == "pin":  # its "input" is a form item, not an output
            return value
        copied: dict[str, Any] | None = None
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                new = self._embed(item, parent)
                if new is not item:
                    if copied is None:
                        copied = dict(value)
                    copied[key] = new
        return value if copied is None else copied

    def _popup(self, spec: Any, root_id: str) -> None:
        """A root shows one popup; a new one replaces it (as the renderer does)."""
        self._forget(self.popups.pop(root_id, None))
        name = _scope_name(spec.get("dom_id"))
        node = ScopeNode(name or "", root_id)
        if name is not None:
            self._forget(self._named.get(name))
            self._named[name] = node
        node.spec = {key: value for key, value in spec.items() if key != "content"}
        node.children = [self._adopt(child, node) for child in spec.get("content") or []]
        self.popups[root_id] = node

    def popup_closed(self, dom_id: str) -> bool:
        """The user closed the popup ``dom_id`` in the browser (``popup_closed`` event).

        Drops it from the root that shows it. A popup another one (or a
        ``close_popup``) already replaced is not shown any more: nothing
        happens then, and False is returned.
        """
        for root_id, node in self.popups.items():
            if node.spec is not None and node.spec.get("dom_id") == dom_id:
                self._forget(self.popups.pop(root_id))
                return True
        return False

    def _forget(self, node: ScopeNode | None) -> None:
        if node is None:
            return
        if node.parent is not None and node in node.parent.children:
            node.parent.children.remove(node)
        node.detached = True
        self._unregister(node)

    def _unregister(self, node: ScopeNode) -> None:
        if self._named.get(node.name) is node:
            del self._named[node.name]
        for child in node.children:
            self._drop(child)
        if node.spec is not None:
            self._drop(node.spec)

    def _drop(self, item: Any) -> None:
        """Unregister every scope in a child that leaves the tree."""
        if isinstance(item, ScopeNode):
            self._unregister(item)
        elif isinstance(item, dict):
            if item.get("type") == "pin":
                self.pins.drop(item)
                return
            for value in item.values():
                if isinstance(value, (dict, list, ScopeNode)):
                    self._drop(value)
        elif isinstance(item, list):
            for value in item:
                self._drop(value)

    def _clear(self, node: ScopeNode, keep: slice = slice(0, 0)) -> None:
        kept = node.children[keep]
        for child in node.children:
            if not any(child is k for k in kept):
                self._drop(child)
        node.children = kept

    def _apply_ctl(self, spec: OutputCtlSpec, root_id: str) -> None:
        """One ``output_ctl`` operation; ``loose`` and ``scroll_to`` leave the tree as is."""
        if "set_scope" in spec:
            name = spec["set_scope"][len(SCOPE_PREFIX) :]
            position = spec.get("position", -1)
            existing = self._named.get(name)
            if existing is not None:
                if spec.get("if_exist") == "remove":
                    self._forget(existing)
                else:
                    if spec.get("if_exist") in ("clear", "blank"):
                        self._clear(existing)
                    return
            parent = self._target(spec.get("container"), root_id)
            if parent is not None:
                node = ScopeNode(name, parent.root_id, parent)
                self._named[name] = node
                _insert(parent.children, node, position if isinstance(position, int) else -1)
        elif "clear" in spec:
            target = self._target(spec["clear"], root_id)
            if target is not None:
                self._clear(target)
        elif "remove" in spec:
            target = self._target(spec["remove"], root_id)
            if target is not None and target.name != ROOT:
                self._forget(target)
        elif "clear_before" in spec or "clear_after" in spec:
            selector = spec.get("clear_before") or spec.get("clear_after")
            target = self._target(selector, root_id)
            if target is not None and target.parent is not None:
                index = target.parent.children.index(target)
                keep = slice(index, None) if "clear_before" in spec else slice(0, index + 1)
                self._clear(target.parent, keep)
        elif "clear_range" in spec:
            first_selector, last_selector = spec["clear_range"]
            first = self._target(first_selector, root_id)
            last = self._target(last_selector, root_id)
            # Siblings strictly between two scopes of the same parent, either order.
            if first is not None and last is not None and first.parent is last.parent:
                parent = first.parent
                if parent is not None:
                    i, j = sorted((parent.children.index(first), parent.children.index(last)))
                    between = parent.children[i + 1 : j]
                    for child in between:
                        self._drop(child)
                    del parent.children[i + 1 : j]

    # ------------------------------------------------------- progress bars
    def _set_processbar(self, name: str, value: float, label: str | None) -> None:
        """Record a bar's latest value (copies, never edits, the specs already sent).

        A complete ``auto_close`` bar is removed, as the renderer removes it.
        """
        cached = self._bars.pop(name, None)
        if cached is not None:
            node, child = cached
            for index, item in enumerate(node.children):
                if item is child:
                    self._update_child(node, index, name, value, label)
                    return
        for root in list(self.roots.values()):
            self._update_bars_in(root, name, value, label)

    def _update_bars_in(self, node: ScopeNode, name: str, value: float, label: str | None) -> None:
        for index in range(len(node.children) - 1, -1, -1):
            item = node.children[index]
            if isinstance(item, ScopeNode):
                self._update_bars_in(item, name, value, label)
            else:
                self._update_child(node, index, name, value, label)

    def _update_child(
        self, node: ScopeNode, index: int, name: str, value: float, label: str | None
    ) -> None:
        item = node.children[index]
        updated = _update_bars(item, name, value, label)
        if updated is _GONE:
            del node.children[index]
        elif updated is not item:
            node.children[index] = updated
            self._bars[name] = (node, updated)


#: Marks a progress bar removed by ``auto_close``.
_GONE: Any = object()


def _update_bars(item: Any, name: str, value: float, label: str | None) -> Any:
    """``item`` with the progress bars called ``name`` set to ``value`` (a copy when
    anything changed, else ``item`` itself; ``_GONE`` for a closed bar)."""
    if isinstance(item, list):
        new_list: list[Any] | None = None
        for index, child in enumerate(item):
            updated = _update_bars(child, name, value, label)
            if updated is not child:
                if new_list is None:
                    new_list = item[:index]
                if updated is not _GONE:
                    new_list.append(updated)
            elif new_list is not None:
                new_list.append(child)
        return item if new_list is None else new_list
    if not isinstance(item, dict):
        return item
    if item.get("type") == "processbar" and item.get("name") == name:
        if item.get("auto_close") and value >= 1:
            return _GONE
        return {**item, "value": value, "label": label}
    new_dict: dict[str, Any] | None = None
    for key, child in item.items():
        if isinstance(child, (dict, list)):
            updated = _update_bars(child, name, value, label)
            if updated is not child:
                if new_dict is None:
                    new_dict = dict(item)
                if updated is _GONE:
                    del new_dict[key]
                else:
                    new_dict[key] = updated
    return item if new_dict is None else new_dict
