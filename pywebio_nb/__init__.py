"""pywebio_nb: PyWebIO's imperative web UI API, Jupyter-first.

In a notebook cell, ``put_*()`` output renders in the cell and ``input()``
blocks the cell until the form shown there is submitted. The same code runs
as a multi-user web app with :func:`start_server`.
"""

from __future__ import annotations

import sys
from typing import Any

# As PyWebIO's package: ``from pywebio_nb import *`` binds the submodules too, so
# the manual's ``input.input(...)`` / ``output.put_text(...)`` style works.
__all__ = ["config", "input", "output", "pin", "platform", "session", "start_server"]
_SUBMODULES = frozenset({"input", "output", "pin", "platform", "session"})
__version__ = "0.1.0"

if "ipykernel" in sys.modules:
    # Inside an IPython kernel, load the notebook runtime: importing it
    # registers its session finder with the session core, which never imports
    # a runtime itself. Elsewhere (a server, a script) it is never loaded.
    from . import jupyter as _jupyter  # noqa: F401
else:
    from .session._context import register_session_finder as _register_session_finder

    def _script_mode_session() -> Any:
        # Script mode (a plain ``python app.py``): asked only when the caller has
        # no session; imports the server on that first call, not on import.
        from .platform._script_mode import find_script_session

        return find_script_session()

    _register_session_finder(_script_mode_session)

# bokeh's output_notebook(notebook_type='pywebio'): registered when bokeh.io.notebook is
# imported (a meta path finder), so importing pywebio_nb never imports bokeh.
from .charts._bokeh import install_bokeh_hook as _install_bokeh_hook  # noqa: E402

_install_bokeh_hook()


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Where Jupyter Server finds pywebio_nb's server extension (:mod:`pywebio_nb.serverext`)."""
    return [{"module": "pywebio_nb.serverext"}]


def __getattr__(name: str) -> Any:
    # Imported lazily so a notebook that never serves does not load the server.
    if name == "start_server":
        from .platform.tornado import start_server

        return start_server
    if name == "config":
        from .platform._config import config

        return config
    if name == "STATIC_PATH":  # the frontend files, as PyWebIO's (e.g. to serve them yourself)
        from .platform._page import STATIC_PATH

        return STATIC_PATH
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'pywebio_nb' has no attribute {name!r}")
