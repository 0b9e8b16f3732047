"""The ``pywebio-nb`` command: one entry point, one subcommand per task.

Each subcommand lives in its own module, imported only when that subcommand
runs (``pywebio-nb --help`` imports no server and no notebook machinery). A
subcommand module defines two functions::

    def add_arguments(parser: argparse.ArgumentParser) -> None: ...
    def run(args: argparse.Namespace) -> int: ...   # the exit status

and one line in :data:`SUBCOMMANDS` registers it.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NamedTuple, Protocol, cast

__all__ = ["SUBCOMMANDS", "Subcommand", "main"]


class Subcommand(NamedTuple):
    """A ``pywebio-nb`` subcommand: its name, one help line, the module implementing it."""

    name: str
    help: str
    module: str


class _SubcommandModule(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


#: The subcommands, in the order ``pywebio-nb --help`` lists them.
SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "serve",
        "serve a .py file's main() or a notebook as a web app (Tornado)",
        "pywebio_nb.platform._serve",
    ),
    Subcommand(
        "execute",
        "run a notebook headless, answering its inputs from a JSON file (pywebio_nb.testing)",
        "pywebio_nb.testing._execute",
    ),
)


def _load(command: Subcommand) -> _SubcommandModule:
    return cast(_SubcommandModule, importlib.import_module(command.module))


def _parser(selected: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pywebio-nb",
        description="pywebio_nb's command line: PyWebIO apps and notebooks from the shell.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in SUBCOMMANDS:
        sub = subparsers.add_parser(command.name, help=command.help, description=command.help)
        # Only the subcommand being run imports its module and declares its arguments.
        if command.name == selected:
            _load(command).add_arguments(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``pywebio-nb`` with ``argv`` (default: the process arguments); the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    names = {command.name: command for command in SUBCOMMANDS}
    selected = next((a for a in arguments if not a.startswith("-")), None)
    args = _parser(selected if selected in names else None).parse_args(arguments)
    return _load(names[args.command]).run(args)
