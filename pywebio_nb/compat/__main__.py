"""``python -m pywebio_nb.compat app.py [args]``: run a PyWebIO app file on pywebio_nb.

Installs the alias (:func:`pywebio_nb.compat.install`), then runs the file as
``__main__`` with ``sys.argv`` = ``[app.py, args...]`` and the file's folder
first on ``sys.path``, as ``python app.py`` would. ``-m package.module`` runs a
module instead, as ``python -m`` would.
"""

from __future__ import annotations

import os
import runpy
import sys

from ._finder import RealPyWebIOInstalled, install

USAGE = "usage: python -m pywebio_nb.compat app.py [args...] | -m module [args...]"


def main(argv: list[str] | None = None) -> int:
    """Run the app named in ``argv`` (default: the command line) with the alias installed."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr if not args else sys.stdout)
        return 0 if args else 2
    try:
        install()
    except RealPyWebIOInstalled as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args[0] == "-m":
        if len(args) < 2:
            print(USAGE, file=sys.stderr)
            return 2
        sys.argv = [args[1], *args[2:]]
        sys.path.insert(0, os.getcwd())
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
        return 0
    path = args[0]
    if not os.path.isfile(path):
        print(f"error: no such file: {path}\n{USAGE}", file=sys.stderr)
        return 2
    sys.argv = [path, *args[1:]]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    runpy.run_path(path, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
