"""``file_upload()``: files chosen in the browser, sent in binary chunks.

The browser never puts a file into JSON. When a form with a file item is
submitted, the renderer first sends each chosen file as ``upload_chunk``
events of at most 1 MB (binary WebSocket frames on the server, comm message
buffers in a notebook; ``protocol.UploadChunkData``), then the ``from_submit``
whose value for the item lists the files by the blob ids it chose, with their
names, types and dates. The session's :class:`~pywebio_nb.session._blobs.UploadStore`
keeps the chunks of the items a waiting form declared, within their limits.

The limits are checked twice: by the renderer before it sends anything, and
here, because a client may ignore them. A client that sends too many files,
or files over ``max_size`` / ``max_total_size``, gets the error under the item
and the same ``file_upload()`` keeps waiting; the store stops keeping its
chunks at the first byte past a limit.
"""

from __future__ import annotations

import ntpath
from dataclasses import dataclass, field
from typing import Any

from ._form import FormRequest, InputItem, InvalidValue
from .protocol import FileInputSpec
from .session._blobs import UploadError, UploadLimits

__all__ = ["file_upload"]


def _limit(value: int | str | None, param: str) -> int:
    """Bytes in a ``max_size`` / ``max_total_size`` argument; 0 means no limit."""
    from .platform._apps import parse_size

    if value is None or value == 0 or (isinstance(value, str) and value.strip() == "0"):
        return 0
    try:
        return parse_size(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"file_upload() {param} must be a number of bytes or a string like '40K', '3M', "
            f"'1G' (0 for no limit), got {value!r}"
        ) from None


def _refuse(error: UploadError) -> InvalidValue:
    """The form error for ``error``, keyed so that the renderer translates it."""
    return InvalidValue(error.message, error.key, *error.args)


def _bare_name(name: Any) -> str:
    """The file name without any directory part (a browser may send a path)."""
    text = str(name or "")
    # ntpath splits at both '/' and '\\', whichever OS the app runs on.
    base = ntpath.basename(text).strip()
    return base if base not in ("", ".", "..") else "file"


@dataclass(eq=False)
class _FileItem(InputItem):
    """A ``file`` item: declares its limits to the session once a form takes it."""

    limits: UploadLimits = field(default_factory=UploadLimits, repr=False)
    multiple: bool = False

    def __setattr__(self, key: str, value: Any) -> None:
        super().__setattr__(key, value)
        # FormRequest sets ``form`` when it takes the item, before showing it:
        # from then on the session keeps chunks for this item (until the form's
        # wait ends), and none before.
        if key == "form" and isinstance(value, FormRequest):
            value.session.uploads.expect(value.task_id, self.name, self.limits, self._release)

    def _release(self) -> None:
        """The form's wait ended: let go of the form.

        The form and its items refer to each other, and the form keeps its
        result: left to the cyclic garbage collector, every upload's bytes
        would stay in memory until a full collection (measured: +50 MB per
        50 MB upload on a server). Without this edge the form goes as soon as
        ``file_upload()`` returns.
        """
        self.claimed = True  # it did reach a form: no "never passed" log on drop
        self.form = None

    def value_of(self, raw: Any) -> Any:
        # Not ``convert``: a bound method there would tie the item into a cycle
        # (its drop check must run when the last reference goes), and a form
        # asks items with a converter to validate on blur, which files never do.
        return super().value_of(self.files_of(raw))

    def files_of(self, raw: Any) -> Any:
        """The ``from_submit`` value -> the manual's dicts (None / [] when nothing chosen)."""
        form = self.form
        if form is None:
            raise InvalidValue("This file input is not part of a form.")
        files, error = form.session.uploads.take(form.task_id, self.name)
        if error is not None:
            raise _refuse(error)
        entries = [] if raw is None else raw
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise _refuse(UploadError("upload_malformed"))
        if not self.multiple and len(entries) > 1:
            raise _refuse(UploadError("upload_one_file"))
        result = []
        for entry in entries:
            content = files.get(entry.get("blob")) if isinstance(entry.get("blob"), str) else None
            if content is None:
                raise _refuse(UploadError("upload_missing"))
            last_modified = entry.get("last_modified")
            if not isinstance(last_modified, (int, float)) or isinstance(last_modified, bool):
                last_modified = None
            result.append(
                {
                    "filename": _bare_name(entry.get("filename")),
                    "content": content,
                    "mime_type": str(entry.get("mime_type") or ""),
                    "last_modified": last_modified,
                }
            )
        if self.multiple:
            return result
        return result[0] if result else None


def file_upload(
    label: str = "",
    accept: str | list[str] | None = None,
    name: str | None = None,
    placeholder: str = "Choose file",
    multiple: bool = False,
    max_size: int | str = 0,
    max_total_size: int | str = 0,
    required: bool | None = None,
    help_text: str | None = None,
    **other_html_attrs: Any,
) -> Any:
    """File upload; returns the chosen file as a dict, or a list of them.

    ``accept`` is a file type or a list of them: extensions like ``.pdf`` or
    media types like ``image/*``. ``multiple=True`` lets the user choose
    several files. ``max_size`` limits each file and ``max_total_size`` all
    of them together: bytes, or a string like ``'40K'``, ``'3M'``, ``'1G'``
    (0, the default, means no limit). ``required=True`` refuses an empty
    choice. ``label``, ``name``, ``placeholder``, ``help_text`` and
    ``other_html_attrs`` mean what they mean for :func:`input`.

    A file is returned as::

        {'filename': 'report.pdf',          # a bare name, never a path
         'content': b'...',                 # the file's bytes
         'mime_type': 'application/pdf',
         'last_modified': 1700000000.0}     # a timestamp, in seconds

    With ``multiple=False`` the result is that dict, or None when no file was
    chosen; with ``multiple=True`` it is a list of them (empty when none was).

    The bytes travel in binary chunks of 1 MB with a progress bar in the form,
    never base64-encoded, and the limits are enforced in Python as well as in
    the browser. Example::

        f = file_upload("Upload a file")
        open('asset/' + f['filename'], 'wb').write(f['content'])

        imgs = file_upload("Select some pictures:", accept="image/*", multiple=True)
        for img in imgs:
            put_image(img['content'])
    """
    from .input import _extend, _finish

    if isinstance(accept, (list, tuple)):
        accept = ",".join(str(a) for a in accept)
    size_limit = _limit(max_size, "max_size")
    total_limit = _limit(max_total_size, "max_total_size")
    spec = _extend(
        FileInputSpec(type="file", label=label, placeholder=placeholder, multiple=bool(multiple)),
        name,
        accept=accept or None,
        max_size=size_limit or None,
        max_total_size=total_limit or None,
        required=required,
        help_text=help_text,
        **other_html_attrs,
    )
    limits = UploadLimits(size_limit, total_limit, 0 if multiple else 1)
    return _finish(_FileItem(spec, required=bool(required), limits=limits, multiple=bool(multiple)))
