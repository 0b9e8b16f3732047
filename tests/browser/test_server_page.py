"""The BMI app under start_server, in a real browser (Playwright + chromium)."""

from __future__ import annotations

from typing import Any

import pytest

from examples.bmi import bmi  # the manual's example, imports changed only
from pywebio_nb.platform.tornado import ServerHandle


@pytest.fixture
def bmi_server(serve: Any) -> ServerHandle:
    return serve(bmi)


def test_bmi_in_the_browser(page: Any, bmi_server: ServerHandle) -> None:
    page.goto(bmi_server.url)
    # The renderer lives in an open shadow root; Playwright's CSS selectors pierce it.
    height = page.locator("#pywebio-nb-root input[name=data]")
    height.wait_for(timeout=10_000)
    assert page.get_by_text("Input your height(cm)").is_visible()
    height.fill("170")
    page.locator("#pywebio-nb-root button[type=submit]", has_text="Submit").click()

    page.get_by_text("Input your weight(kg)").wait_for(timeout=10_000)
    weight = page.locator("#pywebio-nb-root input[name=data]")
    weight.fill("60")
    page.locator("#pywebio-nb-root button[type=submit]", has_text="Submit").click()

    page.get_by_text("Your BMI: 20.8. Category: Normal").wait_for(timeout=10_000)
    assert page.page_errors == []
