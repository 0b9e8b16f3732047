"""Media outputs: ``put_image`` and ``put_file``.

Their bytes never travel inside the JSON spec: they are kept by the session's
blob store (``session._blobs``) and the spec carries a ``BlobRef``; the
transport sends the bytes beside the command (comm buffers in a notebook,
binary WebSocket frames on the server).

Pillow and matplotlib are optional: neither is imported here. A PIL image or
a matplotlib figure can only exist once its package was imported by the app,
so it is recognized through ``sys.modules``.
"""

from __future__ import annotations

import io
import mimetypes
import sys
from typing import Any

from ..protocol import BlobRef, FileOutputSpec, ImageOutputSpec
from ..session._context import get_current_session
from ._core import Output, _output

__all__ = ["put_file", "put_image"]

# Leading bytes of the image formats browsers show, and their media types.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"\x00\x00\x01\x00", "image/x-icon"),
)


def _image_mime(data: bytes | memoryview, format: str | None) -> str:
    """``image/<format>`` when given, else sniffed from the bytes ("" when unknown)."""
    if format:
        name = format.lower().lstrip(".")
        return {"jpg": "image/jpeg", "svg": "image/svg+xml"}.get(name, f"image/{name}")
    head = bytes(data[:16])
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return ""  # the browser sniffs an image without a type too


def _pil_image(src: Any) -> bool:
    module = sys.modules.get("PIL.Image")
    return module is not None and isinstance(src, module.Image)


def _mpl_figure(src: Any) -> bool:
    module = sys.modules.get("matplotlib.figure")
    return module is not None and isinstance(src, module.Figure)


def _image_bytes(src: Any, format: str | None) -> tuple[Any, str | None]:
    """The encoded bytes of a PIL image or matplotlib figure (else ``src`` as is), and format."""
    if _pil_image(src):
        # An image made in memory has no format; saving needs one (PyWebIO
        # failed with "unknown file extension" there), so PNG is the default.
        format = format or src.format or "PNG"
        buffer = io.BytesIO()
        src.save(buffer, format=format)
        return buffer.getvalue(), format
    if _mpl_figure(src):
        format = format or "png"
        buffer = io.BytesIO()
        src.savefig(buffer, format=format)
        return buffer.getvalue(), format
    return src, format


def _css_length(value: Any) -> str:
    """A CSS length; a bare number means pixels, as in the ``<img width=...>`` PyWebIO writes."""
    text = str(value).strip()
    try:
        float(text)
    except ValueError:
        return text
    return text + "px"


def _add_blob(data: Any, mime: str) -> BlobRef:
    return get_current_session().blobs.add(data, mime)


def put_image(
    src: Any,
    format: str | None = None,
    title: str = "",
    width: str | None = None,
    height: str | None = None,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output an image.

    :param src: Source of the image: a string (the image's URL), a bytes-like
        object (the binary content of an image), an instance of
        ``PIL.Image.Image``, or a matplotlib ``Figure`` (saved as PNG unless
        ``format`` says otherwise).
    :param str title: Image description (the image's alternative text).
    :param str width: The width of the image, in CSS pixels (like ``'30px'``)
        or as a percentage (like ``'10%'``).
    :param str height: The height of the image, like ``width``. If only one of
        ``width`` and ``height`` is given, the browser scales the image
        according to its original size.
    :param str format: Image format, e.g. ``png``, ``jpeg``, ``gif``. Only used
        when ``src`` is not a URL.
    :param int scope, position: The same meaning as for ``put_text()``.

    The bytes are sent beside the output as binary data (not as base64 text).

    Example::

        img = open('/path/to/some/image.png', 'rb').read()
        put_image(img, width='50px')

        put_image('https://www.python.org/static/img/python-logo.png')
    """
    spec: ImageOutputSpec
    if isinstance(src, str):
        spec = {"type": "image", "src": src}
    else:
        data, format = _image_bytes(src, format)
        try:
            view = memoryview(data)
        except TypeError:
            raise TypeError(
                "put_image() src must be a URL string, a bytes-like object, a PIL Image "
                f"or a matplotlib Figure, got {type(src).__name__}"
            ) from None
        spec = {"type": "image", "src": _add_blob(data, _image_mime(view, format))}
    if title:
        spec["title"] = str(title)
    if width is not None:
        spec["width"] = _css_length(width)
    if height is not None:
        spec["height"] = _css_length(height)
    return _output(spec, scope, position)


def put_file(
    name: str,
    content: Any,
    label: str | None = None,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a link to download a file.

    Shows a link with the file name in the browser; clicking it downloads the
    file.

    :param str name: File name downloaded as.
    :param content: File content, a bytes-like object.
    :param str label: The label of the download link, the file name by default.
    :param int scope, position: The same meaning as for ``put_text()``.

    The content travels to the browser with the link, as binary data, so the
    link keeps working after the session closed.

    Example::

        content = open('./some-file', 'rb').read()
        put_file('hello-world.txt', content, 'download me')
    """
    if isinstance(content, str):
        raise TypeError(
            "put_file() content must be bytes-like (bytes, bytearray, memoryview), got str: "
            "encode it first, e.g. content.encode('utf-8')"
        )
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    spec: FileOutputSpec = {"type": "file", "name": name, "content": _add_blob(content, mime)}
    if label is not None:
        spec["label"] = str(label)
    return _output(spec, scope, position)
