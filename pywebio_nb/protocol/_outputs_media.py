"""Output specs of the media family: file, ..."""

# No ``from __future__ import annotations`` here: ``TypedDict`` reads
# ``Required[...]`` from the evaluated annotations at class creation (string
# annotations would make every key of a total=False class optional at run
# time), and the TS generator relies on ``__required_keys__``.

import sys
from typing import Literal

if sys.version_info >= (3, 11):
    from typing import Required
else:  # pragma: no cover - Python 3.10
    from typing_extensions import Required

from ._common import _OutputBase

__all__ = [
    "FileOutputSpec",
]


class FileOutputSpec(_OutputBase, total=False):
    """``put_file``: a link that saves ``content`` (base64) as ``name``."""

    type: Required[Literal["file"]]
    name: Required[str]
    content: Required[str]
    label: str
