"""Browser-side state: URL query, localStorage, cookies, and remembered logins.

All of it goes through ``eval_js`` / ``run_js``, so it reads and writes the
browser that shows the session: on a server, the visitor's browser at the
app's origin; in a notebook, the browser showing the notebook, at the Jupyter
server's origin (its localStorage and cookies are shared with JupyterLab).
In a coroutine-based session the getters return an awaitable, like
``eval_js``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from tornado.web import create_signed_value, decode_signed_value

from ..input import PASSWORD, input, input_group
from ..output import toast
from ..session import eval_js, run_js
from ..session._context import get_current_session

__all__ = [
    "basic_auth",
    "clear_localstorage",
    "custom_auth",
    "get_all_query",
    "get_cookie",
    "get_localstorage",
    "get_query",
    "login",
    "revoke_auth",
    "set_cookie",
    "set_localstorage",
]


def _in_notebook(what: str) -> bool:
    """Whether the session is a notebook kernel's (and warn that ``what`` is server-only)."""
    if get_current_session().serves_apps:
        return False
    warnings.warn(
        f"{what}: a notebook has no app URL, so there are no query parameters "
        "(the notebook page's own URL is not the app's); this is server-only",
        RuntimeWarning,
        stacklevel=3,
    )
    return True


def get_all_query() -> Any:
    """The URL parameters of the app's page ("query string") as a dict.

    Server-only: in a notebook it returns ``{}`` (with a RuntimeWarning).
    """
    if _in_notebook("get_all_query()"):
        return {}
    return eval_js("Object.fromEntries(new URLSearchParams(window.location.search))")


def get_query(name: str) -> Any:
    """The value of the URL parameter ``name`` of the app's page, or None.

    Server-only: in a notebook it returns None (with a RuntimeWarning).
    """
    if _in_notebook("get_query()"):
        return None
    return eval_js("new URLSearchParams(window.location.search).get(name)", name=name)


def set_localstorage(key: str, value: str) -> None:
    """Save ``value`` under ``key`` in the user's browser (``localStorage``).

    The data belongs to the origin (protocol + host + port) of the page: on a
    server, the app's; in a notebook, the Jupyter server's. Read it back with
    :func:`get_localstorage`.
    """
    run_js("localStorage.setItem(key, value)", key=str(key), value=str(value))


def get_localstorage(key: str) -> Any:
    """The value saved under ``key`` in the user's browser, or None."""
    return eval_js("localStorage.getItem(key)", key=str(key))


def clear_localstorage() -> None:
    """Remove everything saved in the browser's localStorage for this origin.

    In a notebook that is JupyterLab's origin: its own saved settings go too.
    """
    run_js("localStorage.clear()")


# Keys and values are URI-encoded, so any text round-trips (';', '=', spaces).
_SET_COOKIE = """
var expires = "";
if (days) {
  var date = new Date(Date.now() + days * 864e5);
  expires = "; expires=" + date.toUTCString();
}
document.cookie = encodeURIComponent(key) + "=" + encodeURIComponent(value) + expires
  + "; path=/; SameSite=Lax";
"""

_GET_COOKIE = """
(function () {
  var parts = document.cookie ? document.cookie.split("; ") : [];
  for (var i = 0; i < parts.length; i++) {
    var eq = parts[i].indexOf("=");
    var name = eq < 0 ? parts[i] : parts[i].slice(0, eq);
    var raw = eq < 0 ? "" : parts[i].slice(eq + 1);
    try { name = decodeURIComponent(name); } catch (e) {}
    if (name === key) {
      try { return decodeURIComponent(raw); } catch (e) { return raw; }
    }
  }
  return null;
})()
"""


def set_cookie(key: str, value: str, days: float = 7) -> None:
    """Set the cookie ``key`` to ``value`` in the user's browser for ``days`` days.

    The cookie's path is ``/`` of the page's origin; in a notebook that is the
    Jupyter server, which receives it with every request.
    """
    run_js(_SET_COOKIE, key=str(key), value=str(value), days=days)


def get_cookie(key: str) -> Any:
    """The value of the cookie ``key`` in the user's browser, or None."""
    return eval_js(_GET_COOKIE, key=str(key))


def _signed_user(
    secret: str | bytes, token_name: str, expire_days: float, token: Any
) -> str | None:
    """The user name signed in ``token`` (from the browser), if the signature is valid."""
    if not token or not isinstance(token, str):
        return None
    user = decode_signed_value(secret, token_name, token, max_age_days=expire_days)
    return user.decode("utf-8") if user else None


def _remember(secret: str | bytes, token_name: str, user: str) -> None:
    signed = create_signed_value(secret, token_name, user).decode("utf-8")
    set_localstorage(token_name, signed)


def basic_auth(
    verify_func: Callable[[str, str], bool],
    secret: str | bytes,
    expire_days: float = 7,
    token_name: str = "pywebio_auth_token",
) -> Any:
    """Ask for a user name and password once; remember the login in the browser.

    :param verify_func: ``verify_func(username, password)`` returns True for a
        valid login.
    :param secret: the HMAC key that signs the remembered login: a long,
        random string kept out of the code.
    :param expire_days: how long a login stays remembered.
    :param token_name: the localStorage key of the signed login.
    :return: the user name (a str).

    Until a valid login is entered the form is asked again (with a toast). The
    signed login is saved with :func:`set_localstorage`; a later visit within
    ``expire_days`` is logged in without a form. In a coroutine-based session:
    ``await basic_auth(...)``.
    """
    if get_current_session().awaiting():
        return _basic_auth_async(verify_func, secret, expire_days, token_name)
    user = _signed_user(secret, token_name, expire_days, get_localstorage(token_name))
    while user is None:
        form = input_group("Login", _login_form())
        user = _check_login(verify_func, form, secret, token_name)
    return user


async def _basic_auth_async(
    verify_func: Callable[[str, str], bool],
    secret: str | bytes,
    expire_days: float,
    token_name: str,
) -> str:
    user = _signed_user(secret, token_name, expire_days, await get_localstorage(token_name))
    while user is None:
        form = await input_group("Login", _login_form())
        user = _check_login(verify_func, form, secret, token_name)
    return user


def _login_form() -> list[Any]:
    return [
        input("Username", name="username"),
        input("Password", type=PASSWORD, name="password"),
    ]


def _check_login(
    verify_func: Callable[[str, str], bool],
    form: dict[str, Any],
    secret: str | bytes,
    token_name: str,
) -> str | None:
    if verify_func(form["username"], form["password"]):
        user = str(form["username"])
        _remember(secret, token_name, user)
        return user
    toast("Username or password is incorrect", color="error")
    return None


#: The manual's name of :func:`basic_auth` ("login: Authentication").
login = basic_auth


def custom_auth(
    login_func: Callable[[], str | None],
    secret: str | bytes,
    expire_days: float = 7,
    token_name: str = "pywebio_auth_token",
) -> str:
    """Like :func:`basic_auth` with your own login step.

    :param login_func: asks (or finds out) who the user is and returns the
        user name, or None when that failed (it is called again).
    :return: the user name.

    Thread-based sessions and notebooks (``login_func`` is a plain function).
    """
    user = _signed_user(secret, token_name, expire_days, get_localstorage(token_name))
    while user is None:
        name = login_func()
        if name:
            user = str(name)
            _remember(secret, token_name, user)
        else:
            toast("Authentication failed", color="error")
    return user


def revoke_auth(token_name: str = "pywebio_auth_token") -> None:
    """Forget the login remembered in the browser (the next visit logs in again)."""
    set_localstorage(token_name, "")
