"""A notebook as an app: its code cells run top to bottom, once per visitor session.

A notebook prototyped with ``input()`` and ``put_*()`` becomes a multi-user web
app without rewriting: :func:`load_notebook_app` reads the ``.ipynb`` file
(nbformat 4 JSON; no kernel, nothing executed), compiles its code cells and
returns an app function. Each session that runs it gets a *fresh module
namespace* (named ``__main__``, as in a kernel), so visitors never see each
other's variables, and runs the cells in order, as "Run All" would.

- Cells tagged ``skip-app`` (cell metadata ``tags``) are left out: plotting
  experiments, ``start_server(...)`` calls, test cells.
- IPython syntax (``%magic``, ``%%cell_magic``, ``!shell``, ``?help``) is
  translated by IPython's own input transformer, which turns it into calls to
  ``get_ipython()``; there is no IPython shell in a server session, so such a
  cell is refused when the notebook loads, with a message naming the cell and
  the line (tag it ``skip-app`` or write it in plain Python).
- A cell using top-level ``await`` makes the whole notebook a coroutine app (an
  ``async def`` session on the server's event loop, as ``await main()`` in a
  cell); otherwise it runs as a thread session, where ``input()`` blocks.
- Tracebacks name the cell: each cell is compiled with the file name
  ``<notebook.ipynb cell N>`` (N counts every cell from 1, as the notebook shows
  them) and its source is registered with :mod:`linecache`.
- The title of the page is the notebook's first Markdown heading, else its name.

:class:`NotebookAppCache` reloads a notebook when its file changes (a user saves
it in Jupyter, then reloads the app's tab).
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import inspect
import json
import linecache
import os
import pathlib
import re
import threading
import types
from collections.abc import Callable
from typing import Any

from ._apps import AppFunc
from ._config import config as app_config

__all__ = ["SKIP_TAG", "NotebookAppCache", "NotebookAppError", "load_notebook_app"]

#: Cells with this tag are left out of the app.
SKIP_TAG = "skip-app"

_IPYTHON_LINE = re.compile(r"^\s*(%|!|\?)|^\s*\w+\s*=\s*[%!]|\?\s*$")


class NotebookAppError(ValueError):
    """The notebook cannot run as an app; the message names the file and cell and says why."""


@dataclasses.dataclass(frozen=True)
class _Cell:
    number: int  # 1-based, counting every cell of the notebook
    code: types.CodeType


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _read_notebook(path: pathlib.Path) -> dict[str, Any]:
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise NotebookAppError(f"{path.name}: not a readable notebook: {exc}") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotebookAppError(f"{path.name}: not a notebook (nbformat 4 JSON with 'cells')")
    if notebook.get("nbformat") != 4:
        raise NotebookAppError(
            f"{path.name}: nbformat {notebook.get('nbformat')!r} is not supported; "
            "open and save it in Jupyter to convert it to nbformat 4"
        )
    return notebook


def _ipython_line(source: str) -> str:
    """The first line of ``source`` that looks like IPython syntax (for the error message)."""
    for line in source.splitlines():
        if _IPYTHON_LINE.search(line):
            return line.strip()
    return source.strip().splitlines()[0] if source.strip() else ""


def _plain_python(source: str, where: str) -> str:
    """``source`` as plain Python, or :class:`NotebookAppError` if it needs an IPython shell."""
    from IPython.core.inputtransformer2 import TransformerManager

    transformed: str = TransformerManager().transform_cell(source)  # type: ignore[no-untyped-call]
    if "get_ipython()" in transformed and "get_ipython()" not in source:
        raise NotebookAppError(
            f"{where} uses IPython syntax ({_ipython_line(source)!r}), which needs a "
            "Jupyter kernel; an app runs plain Python. Tag the cell "
            f"{SKIP_TAG!r} to leave it out of the app, or write it in Python."
        )
    return source


def _title(notebook: dict[str, Any], default: str) -> str:
    for cell in notebook["cells"]:
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
            for line in _source(cell).splitlines():
                match = re.match(r"^#{1,6}\s+(.+?)\s*#*\s*$", line)
                if match:
                    return match.group(1)
    return default


def _compile_cells(path: pathlib.Path, notebook: dict[str, Any]) -> list[_Cell]:
    cells: list[_Cell] = []
    for number, cell in enumerate(notebook["cells"], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        metadata = cell.get("metadata")
        tags = metadata.get("tags", []) if isinstance(metadata, dict) else []
        if isinstance(tags, list) and SKIP_TAG in tags:
            continue
        where = f"{path.name} cell {number}"
        source = _plain_python(_source(cell), where)
        filename = f"<{where}>"
        try:
            code = compile(
                source, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True
            )
        except SyntaxError as exc:
            raise NotebookAppError(
                f"{where} has a syntax error on line {exc.lineno}: {exc.msg}"
            ) from None
        # Tracebacks of the running app show the cell's lines.
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        cells.append(_Cell(number, code))
    return cells


def _namespace(path: pathlib.Path) -> dict[str, Any]:
    module = types.ModuleType("__main__", f"The notebook {path.name} run as an app.")
    namespace = module.__dict__
    namespace["__builtins__"] = builtins
    return namespace


def load_notebook_app(path: str | os.PathLike[str]) -> AppFunc:
    """The app running the code cells of the notebook at ``path`` (see the module docstring).

    Raises :class:`NotebookAppError` when the notebook cannot run as an app
    (unreadable, IPython syntax, a syntax error), naming the cell.
    """
    path = pathlib.Path(path)
    notebook = _read_notebook(path)
    cells = _compile_cells(path, notebook)
    is_async = any(cell.code.co_flags & inspect.CO_COROUTINE for cell in cells)
    app: Callable[[], Any]
    if is_async:

        async def notebook_app() -> None:
            namespace = _namespace(path)
            for cell in cells:
                result = eval(cell.code, namespace)
                if inspect.isawaitable(result):
                    await result

        app = notebook_app
    else:

        def notebook_app_sync() -> None:
            namespace = _namespace(path)
            for cell in cells:
                exec(cell.code, namespace)

        app = notebook_app_sync
    app.__name__ = app.__qualname__ = path.stem
    app.__doc__ = f"The notebook {path.name} run as an app."
    configured: AppFunc = app_config(title=_title(notebook, path.stem))(app)
    return configured


class NotebookAppCache:
    """Notebook apps by path, loaded again when the file's size or mtime changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._apps: dict[pathlib.Path, tuple[tuple[int, int], AppFunc]] = {}

    def app(self, path: pathlib.Path) -> AppFunc:
        """The app of the notebook ``path``; raises :class:`NotebookAppError`."""
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._apps.get(path)
            if cached is not None and cached[0] == key:
                return cached[1]
        app = load_notebook_app(path)
        with self._lock:
            self._apps[path] = (key, app)
        return app
