"""The ``popup_closed`` extension event: a popup the user closes in the browser
(close button, Esc, backdrop) leaves the page model too."""

from __future__ import annotations

import pytest

from pywebio_nb.output import popup, put_text
from pywebio_nb.protocol import ProtocolError, parse_event
from pywebio_nb.session._page_model import PageModel


def test_user_closing_the_popup_drops_it_from_the_page_model(run_app) -> None:
    names: list[str] = []

    def app() -> None:
        with popup("Hello") as s:
            names.append(s)
            put_text("inside")

    run = run_app(app)
    run.join()
    (name,) = names
    (shown,) = run.commands("popup")
    assert run.session.page.popups["page"].texts() == ["inside"]
    assert run.session.page.scope(name) is not None
    run.send("popup_closed", None, {"dom_id": shown["spec"]["dom_id"]})
    assert run.session.page.popups == {}
    assert run.session.page.scope(name) is None  # its scope went with it
    assert run.session.page.popup_root is None  # the next popup sends no close_popup
    assert all(c["command"] != "popup" for c in run.session.page.snapshot("page"))
    assert run.commands("close_popup") == []  # the browser closed it already


def test_a_stale_popup_closed_leaves_the_newer_popup(run_app) -> None:
    def app() -> None:
        popup("first", "one")
        popup("second", "two")

    run = run_app(app)
    run.join()
    first, second = (c["spec"] for c in run.commands("popup"))
    # the browser reports closing the first after the second replaced it
    run.send("popup_closed", None, {"dom_id": first["dom_id"]})
    assert run.session.page.popups["page"].spec["title"] == "second"  # type: ignore[index]
    run.send("popup_closed", None, {"dom_id": second["dom_id"]})
    assert run.session.page.popups == {}


def test_page_model_popup_closed_finds_the_root_that_shows_it() -> None:
    model = PageModel()
    model.apply({"command": "popup", "task_id": None, "spec": {"title": "a", "dom_id": "p1"}}, "r1")
    model.apply({"command": "popup", "task_id": None, "spec": {"title": "b", "dom_id": "p2"}}, "r2")
    assert model.popup_closed("p2") is True
    assert list(model.popups) == ["r1"]
    assert model.popup_closed("p2") is False
    assert model.popup_closed("nope") is False
    assert list(model.popups) == ["r1"]


@pytest.mark.parametrize("data", [None, {}, {"dom_id": 3}, "p1"])
def test_popup_closed_needs_a_string_dom_id(data: object) -> None:
    with pytest.raises(ProtocolError, match="popup_closed data"):
        parse_event({"event": "popup_closed", "task_id": None, "data": data})


def test_a_malformed_popup_closed_is_ignored(run_app) -> None:
    def app() -> None:
        popup("stays", "x")

    run = run_app(app)
    run.join()
    run.send("popup_closed", None, {"id": "wrong"})
    assert run.session.page.popups["page"].spec["title"] == "stays"  # type: ignore[index]
