"""``config()``: the page of an app — title, description, theme, injected JS and CSS.

As in PyWebIO, :func:`config` works two ways. Called directly it sets the
configuration of every app (global); used as a decorator it configures that one
app function. A decorated app's values win over the global ones, field by field.
Without a configured title or description, the app function's docstring gives
them: its first line is the title, the text after the first empty line the
description.

The configuration is read when a page is served (:func:`page_config_of`), so a
global ``config()`` made after ``start_server``'s apps were defined still applies
to the next page loads. Sessions already open keep the page they loaded.

The themes are the Bootstrap subset of the renderer compiled with a Bootswatch
theme (``static/themes/<name>.css``, built by ``js/build.mjs``); ``default`` is
the bundled style and costs no request.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

__all__ = ["THEMES", "PageConfig", "config", "docstring_meta", "own_config", "page_config_of"]

logger = logging.getLogger("pywebio_nb.platform")

#: The theme names ``config(theme=...)`` and ``PYWEBIO_THEME`` accept.
THEMES = ("default", "dark", "sketchy", "minty", "yeti")

#: Environment variable choosing the theme; it has priority over ``config(theme=...)``.
THEME_ENV = "PYWEBIO_THEME"

#: Attribute under which a decorated app function keeps its configuration.
_ATTR = "_pywebio_nb_config"

F = TypeVar("F", bound=Callable[..., Any])


@dataclasses.dataclass(frozen=True)
class PageConfig:
    """The configuration of an app's page; ``None`` / ``()`` mean "not set"."""

    title: str | None = None
    description: str | None = None
    theme: str | None = None
    js_code: str | None = None
    js_file: tuple[str, ...] = ()
    css_style: str | None = None
    css_file: tuple[str, ...] = ()

    def merged_over(self, base: PageConfig) -> PageConfig:
        """This configuration with the fields it does not set taken from ``base``."""
        changes = {
            f.name: getattr(base, f.name)
            for f in dataclasses.fields(self)
            if not getattr(self, f.name)
        }
        return dataclasses.replace(self, **changes)


class _GlobalConfig:
    """The configuration set by direct ``config()`` calls (one per process, locked)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value = PageConfig()

    def get(self) -> PageConfig:
        with self._lock:
            return self._value

    def set(self, value: PageConfig) -> PageConfig:
        """Replace the global configuration; returns the previous one."""
        with self._lock:
            previous, self._value = self._value, value
            return previous

    def restore(self, mine: PageConfig, previous: PageConfig) -> None:
        """Put ``previous`` back if the configuration is still ``mine``."""
        with self._lock:
            if self._value is mine:
                self._value = previous


_GLOBAL = _GlobalConfig()


def _urls(value: str | Iterable[str] | None, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    urls = tuple(value)
    for url in urls:
        if not isinstance(url, str):
            raise TypeError(f"{name} must be a URL string or a list of them, found {url!r}")
    return urls


def _check_theme(theme: str | None) -> str | None:
    if theme is not None and theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}: the themes are {', '.join(THEMES)}")
    return theme


class _Config:
    """What ``config(...)`` returns: applied globally now, or to one app if used as decorator."""

    def __init__(self, value: PageConfig) -> None:
        self._value = value
        # A direct call must apply even when its result is dropped, so it applies
        # now; used as a decorator it is undone at once (nothing ran in between
        # but the evaluation of the decorated ``def``).
        self._previous = _GLOBAL.set(value)

    def __call__(self, func: F) -> F:
        if not callable(func):
            raise TypeError(f"config(...) decorates an app function, got {func!r}")
        _GLOBAL.restore(self._value, self._previous)
        # Applied again (stacked decorators, or config(...)(app) twice): the latest
        # call's fields win, the earlier ones fill what it leaves unset.
        earlier: PageConfig | None = getattr(func, _ATTR, None)
        value = self._value.merged_over(earlier) if earlier is not None else self._value
        setattr(func, _ATTR, value)
        return func

    def __repr__(self) -> str:
        return f"config({self._value!r})"


def config(
    *,
    title: str | None = None,
    description: str | None = None,
    theme: str | None = None,
    js_code: str | None = None,
    js_file: str | Iterable[str] = (),
    css_style: str | None = None,
    css_file: str | Iterable[str] = (),
) -> Any:
    """PyWebIO application configuration.

    :param title: the application title (the page's ``<title>``).
    :param description: the application description (``<meta name="description">``),
        used by search engines.
    :param theme: ``'default'``, ``'dark'``, ``'sketchy'``, ``'minty'`` or ``'yeti'``
        (Bootswatch themes, served by pywebio_nb itself, offline). The environment
        variable ``PYWEBIO_THEME`` chooses the theme too, with higher priority.
    :param js_code: JavaScript code injected into the page (a classic script at the end
        of the body: it runs while the page loads, before the frontend has mounted).
    :param js_file: URL, or list of URLs, of JavaScript files injected into the page
        (deferred classic scripts: they run in order once the frontend has mounted).
    :param css_style: CSS injected into the page; it also applies inside the app's
        output (which lives in a shadow root).
    :param css_file: URL, or list of URLs, of CSS files injected into the page, also
        applied inside the app's output.

    ``config()`` can be used in 2 ways: direct call and decorator. Called directly,
    the configuration is global; as a decorator, it only applies to that app
    function (and wins over the global one)::

        config(title="My application")  # global configuration

        @config(css_style="* { color:red }")  # only works on this application
        def app():
            put_text("hello PyWebIO")

    The configuration affects every session. Without ``title`` and
    ``description``, the app function's docstring gives them: its first line
    is the title, the text after the first empty line the description.
    """
    value = PageConfig(
        title=title,
        description=description,
        theme=_check_theme(theme),
        js_code=js_code,
        js_file=_urls(js_file, "js_file"),
        css_style=css_style,
        css_file=_urls(css_file, "css_file"),
    )
    return _Config(value)


def docstring_meta(func: Any) -> tuple[str, str]:
    """``(title, description)`` from an app function's docstring (empty when none).

    The first non-blank line is the title; what follows the first empty line
    after it is the description (PyWebIO's rule: an empty line separates them).
    """
    doc = getattr(func, "__doc__", None)
    if not isinstance(doc, str):
        return "", ""
    doc = inspect.cleandoc(doc).strip()
    if not doc:
        return "", ""
    head, _, rest = doc.partition("\n\n")
    return head.splitlines()[0].strip(), rest.strip()


def _env_theme() -> str | None:
    theme = os.environ.get(THEME_ENV, "").strip()
    if not theme:
        return None
    if theme not in THEMES:
        logger.warning(
            "%s=%r is not a theme (%s): using the configured one",
            THEME_ENV,
            theme,
            ", ".join(THEMES),
        )
        return None
    return theme


def own_config(func: Any) -> PageConfig:
    """The configuration set on ``func`` by ``@config(...)`` (empty when none)."""
    value = getattr(func, _ATTR, None)
    return value if isinstance(value, PageConfig) else PageConfig()


def page_config_of(func: Any, default_title: str = "PyWebIO application") -> PageConfig:
    """The effective page configuration of app ``func``, every field resolved.

    Precedence per field: ``@config`` on the app, then the global ``config()``;
    for the title and description the app's docstring comes between the two (as
    in PyWebIO); the theme: ``PYWEBIO_THEME``, then the configurations, then
    ``'default'``.
    """
    own = own_config(func)
    value = own.merged_over(_GLOBAL.get())
    doc_title, doc_description = docstring_meta(func)
    # As PyWebIO: the app's docstring comes before the global title/description.
    return dataclasses.replace(
        value,
        title=own.title or doc_title or value.title or default_title,
        description=own.description or doc_description or value.description or "",
        theme=_env_theme() or value.theme or "default",
    )
