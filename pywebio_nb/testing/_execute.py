"""``pywebio-nb execute``: run a notebook headless, answering its inputs from a JSON file."""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
from typing import Any

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the subcommand's arguments."""
    parser.add_argument("notebook", help="the .ipynb file to run")
    parser.add_argument(
        "--answers",
        metavar="ANSWERS.json",
        help="a JSON object mapping an input's label or name to its value, or a JSON "
        'list of values in the order the inputs appear (a {"click": "label"} entry '
        'clicks a button, {"set_pin": [name, value]} changes a pin widget); without it '
        "the notebook runs with no frontend and an input fails with NoFrontendError",
    )
    parser.add_argument("-o", "--output", help="write the executed notebook there")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per cell (60)")
    parser.add_argument("--kernel", default="python3", help="kernel name (python3)")
    parser.add_argument("--allow-errors", action="store_true", help="go on after a cell raises")


def load_answers(path: str) -> Any:
    """The answers a JSON file gives (list entries ``{"click": ...}`` become steps)."""
    from . import click, set_pin

    data = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    if isinstance(data, dict):
        return data
    if not isinstance(data, list):
        raise ValueError(
            f"{path}: answers must be a JSON object or list, got {type(data).__name__}"
        )
    steps: list[Any] = []
    for entry in data:
        if isinstance(entry, dict) and set(entry) == {"click"}:
            steps.append(click(str(entry["click"])))
        elif isinstance(entry, dict) and set(entry) == {"set_pin"}:
            name, value = entry["set_pin"]
            steps.append(set_pin(str(name), value))
        else:
            steps.append(entry)
    return steps


def run(args: argparse.Namespace) -> int:
    """Run the notebook; 0 when every cell ran and every input was answered."""
    from ..exceptions import NoFrontendError
    from . import NotebookTestError, execute_notebook

    try:
        answers = load_answers(args.answers) if args.answers else None
    except (OSError, ValueError) as exc:
        print(f"pywebio-nb execute: cannot read the answers: {exc}", file=sys.stderr)
        return 2
    try:
        result = execute_notebook(
            args.notebook,
            answers,
            output=args.output,
            timeout=args.timeout,
            kernel_name=args.kernel,
            allow_errors=args.allow_errors,
        )
    except (NotebookTestError, NoFrontendError) as exc:
        print(f"pywebio-nb execute: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # nbclient's CellExecutionError and friends: say it, exit 1
        print(f"pywebio-nb execute: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    shown = len(result.texts)
    print(f"ran {args.notebook} in {result.elapsed:.1f} s; {shown} pywebio_nb outputs shown")
    return 0
