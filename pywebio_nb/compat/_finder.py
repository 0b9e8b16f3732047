"""The import alias: a meta path finder that maps PyWebIO's module names onto pywebio_nb.

No module is copied or wrapped: ``import pywebio.output`` binds the very
module object ``pywebio_nb.output`` under the second name (in ``sys.modules``
too), so state (sessions, pins, config) is shared whichever name the code
uses. Names are mapped on demand, so the adapters (``pywebio.platform.flask``
...) work once ``pywebio_nb.platform.flask`` exists, and a PyWebIO module
pywebio_nb has no equivalent of fails with an error that says so.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
from collections.abc import Sequence
from types import ModuleType

__all__ = ["ALIASES", "AliasFinder", "RealPyWebIOInstalled", "install", "installed", "uninstall"]

#: Top-level names the alias provides, and what they map onto.
ALIASES: dict[str, str] = {"pywebio": "pywebio_nb", "pywebio_battery": "pywebio_nb.battery"}

#: Modules whose name differs (PyWebIO name -> pywebio_nb module).
_RENAMED: dict[str, str] = {
    # ``from pywebio.io_ctrl import Output`` (type hints, isinstance checks)
    "pywebio.io_ctrl": "pywebio_nb.output",
    # the battery's own submodules are one package here
    "pywebio_battery.interaction": "pywebio_nb.battery",
    "pywebio_battery.web": "pywebio_nb.battery",
}


class RealPyWebIOInstalled(RuntimeError):
    """The real ``pywebio`` (or ``pywebio_battery``) is importable: the alias would shadow it."""


def _target(fullname: str) -> str | None:
    """The pywebio_nb module that ``fullname`` names, or None when it is not ours to map."""
    if fullname in _RENAMED:
        return _RENAMED[fullname]
    top, dot, rest = fullname.partition(".")
    base = ALIASES.get(top)
    if base is None:
        return None
    return base + dot + rest


class _AliasLoader(importlib.abc.Loader):
    """Hands out the already imported pywebio_nb module instead of making a new one."""

    def __init__(self, target: str) -> None:
        self.target = target
        self._real_spec: importlib.machinery.ModuleSpec | None = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.target)
        self._real_spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The import system set the module's __spec__ to the alias's spec (it does that to
        # every module it creates); put the real one back so the module stays itself
        # (importlib.reload, pickling by module name, tools reading __spec__.name).
        module.__spec__ = self._real_spec


class AliasFinder(importlib.abc.MetaPathFinder):
    """Finds ``pywebio``, ``pywebio.*``, ``pywebio_battery`` as pywebio_nb modules."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        real = _target(fullname)
        if real is None:
            return None
        found = importlib.util.find_spec(real)
        if found is None:
            raise ModuleNotFoundError(
                f"No module named {fullname!r}: pywebio_nb (which runs `import pywebio` "
                f"code through pywebio_nb.compat) has no {real!r}, so this part of "
                "PyWebIO is not available",
                name=fullname,
            )
        spec = importlib.machinery.ModuleSpec(fullname, _AliasLoader(real), origin=found.origin)
        if found.submodule_search_locations is not None:
            spec.submodule_search_locations = []  # a package: its submodules come here too
        return spec


_lock = threading.Lock()
_finder: AliasFinder | None = None


def installed() -> bool:
    """Whether the alias is installed in this process."""
    return _finder is not None


def _check_not_shadowing() -> None:
    for name in ALIASES:
        module = sys.modules.get(name)
        if module is not None:
            where = getattr(module, "__file__", None) or repr(module)
            raise RealPyWebIOInstalled(
                f"pywebio_nb.compat.install(): {name!r} is already imported (from {where}); "
                "install the alias before anything imports it (first line of the script or "
                "notebook), or run the app with `python -m pywebio_nb.compat app.py`"
            )
        spec = importlib.util.find_spec(name)
        if spec is not None:
            raise RealPyWebIOInstalled(
                f"pywebio_nb.compat.install(): the real {name!r} package is installed "
                f"({spec.origin}); the alias would shadow it, so it was not installed. "
                f"Run the app on PyWebIO itself, or `pip uninstall {name.replace('_', '-')}` "
                "to run it on pywebio_nb."
            )


def install() -> None:
    """Make ``import pywebio`` (and its submodules, and ``pywebio_battery``) import pywebio_nb.

    Call it before the app's first ``import pywebio``: at the top of a script,
    or in a notebook cell run before the cells that import PyWebIO. Calling it
    again does nothing.

    Raises :class:`RealPyWebIOInstalled` (a RuntimeError), and installs
    nothing, when the real ``pywebio`` or ``pywebio_battery`` is importable or
    already imported: a real package is never shadowed silently.
    """
    global _finder
    with _lock:
        if _finder is not None:
            return
        _check_not_shadowing()
        _finder = AliasFinder()
        sys.meta_path.insert(0, _finder)


def uninstall() -> None:
    """Remove the alias: ``import pywebio`` fails again (modules already bound keep working)."""
    global _finder
    with _lock:
        if _finder is None:
            return
        if _finder in sys.meta_path:
            sys.meta_path.remove(_finder)
        _finder = None
        for name in [n for n in sys.modules if _target(n) is not None]:
            del sys.modules[name]
