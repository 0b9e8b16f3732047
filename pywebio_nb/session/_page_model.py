"""The page model: a small server-side copy of the output tree.

Every ``output`` and ``output_ctl`` command a session sends is applied here, so
the Python side always knows which scopes exist, what they contain and which
*root* shows them. A root is one rendering surface: the single page of a server
session, or one cell's widget in a notebook. Named scopes are unique across all
roots of a session (``use_scope('x')`` in one cell updates scope ``x`` shown in
another), while every root has its own ``ROOT`` scope.

The model is what tests assert on and what the notebook transport uses to route
a command to the root that shows its target scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..protocol import (
    ROOT_SCOPE,
    SCOPE_PREFIX,
    Command,
    OutputCtlSpec,
    OutputSpec,
    scope_dom_id,
    scope_selector,
)

__all__ = ["ROOT", "SCOPE_PREFIX", "PageModel", "ScopeNode", "scope_dom_id", "scope_selector"]

#: The ROOT scope's name (defined by the protocol, shared with the renderer).
ROOT = ROOT_SCOPE


def _name_from_selector(selector: str | None) -> str | None:
    if selector and selector.startswith("#" + SCOPE_PREFIX):
        return selector[len(SCOPE_PREFIX) + 1 :]
    return None


@dataclass(eq=False)
class ScopeNode:
    """A scope: an ordered list of children (output specs or nested scopes)."""

    name: str
    root_id: str
    parent: ScopeNode | None = None
    children: list[ScopeNode | OutputSpec] = field(default_factory=list)

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
    if isinstance(spec, dict):
        if spec.get("type") in ("text", "markdown", "html", "code") and isinstance(
            spec.get("content"), str
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
    elif isinstance(spec, list):
        for item in spec:
            _collect_text(item, out)


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


class PageModel:
    """The output tree of one session, across all of its roots."""

    def __init__(self) -> None:
        self.roots: dict[str, ScopeNode] = {}
        self._named: dict[str, ScopeNode] = {}

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

    def _target(self, selector: str | None, root_id: str) -> ScopeNode | None:
        name = _name_from_selector(selector)
        return self.scope(name, root_id) if name is not None else None

    # ------------------------------------------------------------------ update
    def apply(self, command: Command, root_id: str) -> None:
        """Update the model with one command sent to ``root_id``."""
        if command["command"] == "output":
            spec = command["spec"]
            target = self._target(spec.get("scope"), root_id)
            if target is not None:
                _insert(target.children, self._adopt(spec, target), spec.get("position", -1))
        elif command["command"] == "output_ctl":
            self._apply_ctl(command["spec"], root_id)

    def _adopt(self, spec: OutputSpec, parent: ScopeNode) -> ScopeNode | OutputSpec:
        """Register the scopes an output spec creates (``put_scope``)."""
        if spec["type"] == "scope":
            dom_id = spec["dom_id"]
            if dom_id.startswith(SCOPE_PREFIX):
                node = ScopeNode(dom_id[len(SCOPE_PREFIX) :], parent.root_id, parent)
                self._forget(self._named.get(node.name))
                self._named[node.name] = node
                for child in spec.get("contents", []):
                    node.children.append(self._adopt(child, node))
                return node
        return spec

    def _forget(self, node: ScopeNode | None) -> None:
        if node is None:
            return
        if node.parent is not None and node in node.parent.children:
            node.parent.children.remove(node)
        self._unregister(node)

    def _unregister(self, node: ScopeNode) -> None:
        if self._named.get(node.name) is node:
            del self._named[node.name]
        for child in node.children:
            if isinstance(child, ScopeNode):
                self._unregister(child)

    def _clear(self, node: ScopeNode, keep: slice = slice(0, 0)) -> None:
        kept = node.children[keep]
        for child in node.children:
            if isinstance(child, ScopeNode) and child not in kept:
                self._unregister(child)
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
                        if isinstance(child, ScopeNode):
                            self._unregister(child)
                    del parent.children[i + 1 : j]
