"""pywebio_nb.platform._apps: which application a request runs, titles, the
generated index, and ``max_payload_size`` strings (manual: start_server and
"Start multiple applications with start_server()")."""

from __future__ import annotations

import functools
import re
from typing import Any

import pytest

from pywebio_nb.platform._apps import (
    AppNotFound,
    app_title,
    index_links_html,
    make_index_app,
    normalize_apps,
    parse_size,
    select_app,
)


def index() -> None:
    """Home page

    Lists the tasks.
    """


def task_1() -> None:
    """Task one"""


def task_2() -> None:
    pass


class CallableApp:
    def __call__(self) -> None:
        pass


# ------------------------------------------------------------------ normalize_apps


def test_one_function_is_the_index() -> None:
    assert normalize_apps(task_1) == {"index": task_1}


def test_a_callable_object_is_the_index() -> None:
    app = CallableApp()
    assert normalize_apps(app) == {"index": app}


def test_a_list_is_named_by_function_names_in_order() -> None:
    # manual: start_server([index, task_1, task_2]) equals the dict form
    apps = normalize_apps([index, task_1, task_2])
    assert apps == {"index": index, "task_1": task_1, "task_2": task_2}
    assert list(apps) == ["index", "task_1", "task_2"]


@pytest.mark.parametrize("container", [tuple, list])
def test_any_sequence_of_functions(container: Any) -> None:
    assert normalize_apps(container([task_2, task_1])) == {"task_2": task_2, "task_1": task_1}


def test_a_dict_is_kept_in_order() -> None:
    apps = normalize_apps({"b": task_2, "a": task_1})
    assert list(apps.items()) == [("b", task_2), ("a", task_1)]


def test_a_list_item_without_name_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match=r"__name__.*use a dict"):
        normalize_apps([functools.partial(task_1)])


@pytest.mark.parametrize("applications", ["index", b"index", 42, None])
def test_not_an_application(applications: Any) -> None:
    with pytest.raises(TypeError, match="function, a list of functions or a dict"):
        normalize_apps(applications)


@pytest.mark.parametrize("applications", [[], {}, ()])
def test_no_application(applications: Any) -> None:
    with pytest.raises(ValueError, match="at least one app"):
        normalize_apps(applications)


def test_a_dict_value_that_is_not_callable() -> None:
    with pytest.raises(TypeError, match=re.escape("'tool' is 'tool.py', which is not callable")):
        normalize_apps({"index": index, "tool": "tool.py"})


# ------------------------------------------------------------------- select_app

APPS = {"index": index, "task_1": task_1, "task_2": task_2}
NO_INDEX = {"task_1": task_1, "task_2": task_2}


@pytest.mark.parametrize(
    ("apps", "requested", "expected"),
    [
        (APPS, None, ("index", index)),
        (APPS, "", ("index", index)),  # ?app= with no value
        (APPS, "task_2", ("task_2", task_2)),
        (APPS, "index", ("index", index)),
        ({"only": task_1}, None, ("only", task_1)),  # a single app needs no ?app=
        ({"only": task_1}, "only", ("only", task_1)),
        (NO_INDEX, None, ("index", None)),  # several, no index: the generated index
    ],
)
def test_select_app(apps: dict[str, Any], requested: str | None, expected: Any) -> None:
    assert select_app(apps, requested) == expected


@pytest.mark.parametrize("requested", ["nope", "Index", "task_1 ", "../task_1"])
def test_unknown_app_names_the_known_ones(requested: str) -> None:
    with pytest.raises(AppNotFound) as info:
        select_app(APPS, requested)
    message = str(info.value)
    assert repr(requested) in message
    assert message.endswith("known apps: index, task_1, task_2")


def test_app_not_found_is_a_lookup_error() -> None:
    assert issubclass(AppNotFound, LookupError)


# -------------------------------------------------------------------- app_title


@pytest.mark.parametrize(
    ("func", "expected"),
    [
        (index, "Home page"),  # first line of the docstring, as PyWebIO
        (task_1, "Task one"),
        (task_2, "PyWebIO application"),  # no docstring
        (None, "PyWebIO application"),  # the generated index
    ],
)
def test_app_title(func: Any, expected: str) -> None:
    assert app_title(func) == expected


def test_app_title_skips_leading_blank_lines_and_spaces() -> None:
    def app() -> None:
        """

        Spaced title\t
        more
        """

    assert app_title(app) == "Spaced title"


def test_app_title_blank_docstring_uses_the_default() -> None:
    def app() -> None:
        """ """

    assert app_title(app, "fallback") == "fallback"


# ----------------------------------------------------------------- index pages


def test_index_links_every_app_with_its_title() -> None:
    html = index_links_html(NO_INDEX)
    assert html == (
        "<h3>Applications</h3><ul>"
        '<li><a href="?app=task_1">task_1</a> — Task one</li>'
        '<li><a href="?app=task_2">task_2</a></li>'
        "</ul>"
    )


def test_index_links_escape_names_and_titles() -> None:
    def app() -> None:
        """<b>bold</b> & more"""

    html = index_links_html({'a"b <c>&d': app})
    assert 'href="?app=a%22b%20%3Cc%3E%26d"' in html
    assert ">a&quot;b &lt;c&gt;&amp;d</a>" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html
    assert "<c>" not in html and "<b>" not in html


def test_make_index_app_outputs_the_links(run_app) -> None:
    run = run_app(make_index_app(NO_INDEX))
    run.join()
    output = run.wait_command("output")
    assert output["spec"]["type"] == "html"
    assert output["spec"]["content"] == index_links_html(NO_INDEX)


# -------------------------------------------------------------------- parse_size


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (500, 500),
        ("500", 500),  # the manual's examples
        ("40K", 40 * 1024),
        ("3M", 3 * 1024**2),
        ("200M", 200 * 1024**2),  # the default
        ("1G", 1024**3),
        ("40k", 40 * 1024),
        ("40KB", 40 * 1024),
        (" 3 M ", 3 * 1024**2),
        ("1.5K", 1536),
        ("10B", 10),
    ],
)
def test_parse_size(size: Any, expected: int) -> None:
    assert parse_size(size) == expected


@pytest.mark.parametrize("size", ["", "K", "abc", "10T", "-5", "1,5K", "5 K B", "0x10"])
def test_parse_size_rejects_non_sizes(size: str) -> None:
    with pytest.raises(ValueError, match="is not a size"):
        parse_size(size)


@pytest.mark.parametrize("size", [0, -1])
def test_parse_size_rejects_non_positive_ints(size: int) -> None:
    with pytest.raises(ValueError, match="must be positive"):
        parse_size(size)


@pytest.mark.parametrize("size", ["0", "0K", "0.0001K"])
def test_parse_size_rejects_zero_strings(size: str) -> None:
    with pytest.raises(ValueError):
        parse_size(size)


@pytest.mark.parametrize("size", [True, False])
def test_parse_size_rejects_bools(size: bool) -> None:
    with pytest.raises(TypeError, match="not a bool"):
        parse_size(size)
