"""The content of the kernel -> frontend comm messages: numbered batches.

A cell root's batches travel as Jupyter comm ``custom`` messages whose content
is a :class:`~pywebio_nb.protocol.CommBatch`: ``{"seq": n, "commands": [...]}``
(plus ``part``/``parts`` when a batch's blob chunks need several messages).
IOPub can drop messages (``notes/iopub-limits.md``), so the batch number rides
with each message: a frontend that sees it jump asks the kernel to ``resume``.

:func:`encode_batch` makes that content, :func:`decode_batch` reads it back;
every reader of the comm on the Python side (test frontends, the headless
testing API) goes through :func:`decode_batch`, so the wire shape is known in
one place. The frontend's twin is ``js/src/entries/widget.ts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..protocol import Command, CommBatch, ProtocolError

__all__ = ["WireBatch", "decode_batch", "encode_batch"]


@dataclass(frozen=True)
class WireBatch:
    """One decoded comm message: (part of) batch number ``seq`` of its cell root.

    ``part`` counts from 0 to ``parts - 1``; only the last part (:attr:`last`)
    completes the batch: the earlier ones carry ``blob`` commands only.
    """

    seq: int
    commands: list[Command]
    part: int = 0
    parts: int = 1

    @property
    def last(self) -> bool:
        """Whether this message completes batch ``seq``."""
        return self.part == self.parts - 1


def encode_batch(seq: int, commands: list[Command], part: int = 0, parts: int = 1) -> CommBatch:
    """The comm message content carrying ``commands`` as part ``part`` of batch ``seq``."""
    content: CommBatch = {"seq": seq, "commands": commands}
    if parts != 1:
        content["part"] = part
        content["parts"] = parts
    return content


def decode_batch(content: Any) -> WireBatch:
    """Read the content of a kernel -> frontend custom comm message.

    Raises :class:`~pywebio_nb.protocol.ProtocolError` naming what was
    expected when ``content`` is not a :class:`~pywebio_nb.protocol.CommBatch`.
    """
    if not isinstance(content, dict):
        raise ProtocolError(
            "a pywebio_nb comm message must be an object {seq, commands}, "
            f"got {type(content).__name__}"
        )
    seq, commands = content.get("seq"), content.get("commands")
    part, parts = content.get("part", 0), content.get("parts", 1)
    if type(seq) is not int or seq < 1:
        raise ProtocolError(f"a comm message's 'seq' must be an integer >= 1, got {seq!r}")
    if not isinstance(commands, list):
        raise ProtocolError(
            f"a comm message's 'commands' must be a list, got {type(commands).__name__}"
        )
    if type(part) is not int or type(parts) is not int or not 0 <= part < parts:
        raise ProtocolError(f"a comm message's part {part!r} of {parts!r} is out of range")
    return WireBatch(seq, commands, part, parts)
