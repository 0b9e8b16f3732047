"""Utilities that help write apps quickly: ``pywebio_battery`` of the PyWebIO manual.

Interaction: :func:`confirm`, :func:`popup_input`, :func:`redirect_stdout`,
:func:`run_shell`, :func:`put_logbox` / :func:`logbox_append` /
:func:`logbox_clear`. The browser: :func:`get_all_query` / :func:`get_query`,
:func:`set_localstorage` / :func:`get_localstorage`, :func:`set_cookie` /
:func:`get_cookie`, and remembered logins (:func:`login`, also called
:func:`basic_auth`; :func:`custom_auth`, :func:`revoke_auth`).

Nothing to install: it ships with pywebio_nb, and ``import pywebio_battery``
works unchanged under :mod:`pywebio_nb.compat`. Everything works in a notebook
cell too; what only makes sense on a server (URL query parameters) says so.
"""

from __future__ import annotations

from ._interaction import confirm, popup_input
from ._logbox import logbox_append, logbox_clear, put_logbox
from ._shell import run_shell
from ._stdout import redirect_stdout
from ._web import (
    basic_auth,
    clear_localstorage,
    custom_auth,
    get_all_query,
    get_cookie,
    get_localstorage,
    get_query,
    login,
    revoke_auth,
    set_cookie,
    set_localstorage,
)

__all__ = [
    "basic_auth",
    "clear_localstorage",
    "confirm",
    "custom_auth",
    "get_all_query",
    "get_cookie",
    "get_localstorage",
    "get_query",
    "logbox_append",
    "logbox_clear",
    "login",
    "popup_input",
    "put_logbox",
    "redirect_stdout",
    "revoke_auth",
    "run_shell",
    "set_cookie",
    "set_localstorage",
]
