"""A small multi-app demo for ``make demo``: an index, the BMI app and buttons.

Run ``python examples/demo.py`` (host 127.0.0.1, port from $PORT, default 8080)
and open http://127.0.0.1:8080/.
"""

from __future__ import annotations

import os
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from bmi import bmi

from pywebio_nb import start_server
from pywebio_nb.output import put_buttons, put_html, put_markdown, put_text


def index() -> None:
    """pywebio_nb demo"""
    put_markdown("# pywebio_nb demo\nThe same PyWebIO code, served by Tornado.")
    put_html(
        '<ul><li><a href="?app=bmi">BMI calculator</a> (blocking input)</li>'
        '<li><a href="?app=buttons">Buttons</a> (callbacks)</li></ul>'
    )


def buttons() -> None:
    """Buttons and callbacks"""
    clicks = {"count": 0}

    def on_click(value: str) -> None:
        clicks["count"] += 1
        put_text(f"You clicked {value} (click #{clicks['count']})")

    put_text("Click a button; the app function has returned, its callbacks keep the page alive.")
    put_buttons(["A", "B", "C"], onclick=on_click)


if __name__ == "__main__":
    start_server(
        {"index": index, "bmi": bmi, "buttons": buttons},
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8080")),
    )
