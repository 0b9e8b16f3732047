"""Output specs of the media family (image, file) and the blob reference they carry.

Binary content never travels inside JSON. A spec names its bytes with a
:class:`BlobRef`; the bytes themselves travel beside the commands, in the
same delivery and *before* the command that uses them: as buffers of the
Jupyter comm message in a notebook, as binary WebSocket frames on the server,
each chunk announced by a ``blob`` command (see ``_commands.BlobSpec``). The
frontend keeps the chunks by id and turns them into a ``Blob`` for the output.
"""

# No ``from __future__ import annotations`` here: ``TypedDict`` reads
# ``Required[...]`` from the evaluated annotations at class creation (string
# annotations would make every key of a total=False class optional at run
# time), and the TS generator relies on ``__required_keys__``.

import sys
from typing import Literal, TypedDict

if sys.version_info >= (3, 11):
    from typing import Required
else:  # pragma: no cover - Python 3.10
    from typing_extensions import Required

from ._common import _OutputBase

__all__ = [
    "BlobRef",
    "FileOutputSpec",
    "ImageOutputSpec",
]


class BlobRef(TypedDict):
    """Extension: bytes sent beside the JSON, named by ``blob`` (an id unique per session).

    ``size`` is the total number of bytes and ``mime`` their media type
    (``""`` when unknown). PyWebIO sends such content base64-encoded inside
    the spec; this reference replaces it (an additive extension).
    """

    blob: str
    size: int
    mime: str


class ImageOutputSpec(_OutputBase, total=False):
    """``put_image``: an image from a URL (``src`` a string) or from bytes (a :class:`BlobRef`).

    ``title`` is the image's alternative text; ``width``/``height`` are CSS
    lengths (``'30px'``, ``'10%'``). PyWebIO sends an ``html`` output with an
    ``<img>`` tag; this typed spec is an additive extension.
    """

    type: Required[Literal["image"]]
    src: Required[str | BlobRef]
    title: str
    width: str
    height: str


class FileOutputSpec(_OutputBase, total=False):
    """``put_file``: a link that saves the bytes of ``content`` as a file called ``name``.

    ``label`` is the link's text (the file name when absent). The bytes travel
    as a blob (an additive extension; PyWebIO asks the server for them on click).
    """

    type: Required[Literal["file"]]
    name: Required[str]
    content: Required[BlobRef]
    label: str
