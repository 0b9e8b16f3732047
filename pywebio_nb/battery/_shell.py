"""``run_shell``: run a command and stream its output into the page as it comes."""

from __future__ import annotations

import codecs
import functools
import os
import select
import shlex
import subprocess
from collections.abc import Callable, Sequence
from typing import Any

from ..output import put_text

__all__ = ["run_shell"]

#: The most bytes read at once.
_CHUNK = 64 * 1024
#: How long an unfinished line waits for its end before it is shown as it is (seconds).
PARTIAL_LINE_WAIT = 0.05


def run_shell(
    cmd: str | Sequence[str],
    output_func: Callable[[str], Any] | None = None,
    encoding: str = "utf8",
    *,
    shell: bool = False,
) -> int:
    """Run a command and output what it prints (stdout and stderr) as it runs.

    :param cmd: the command: a list of arguments (``["ls", "-l"]``) or a
        string, split like a POSIX shell would (``"ls -l"``) but run
        *without* a shell, so no variable, glob or ``;`` is interpreted.
    :param output_func: called with each piece of output text as soon as the
        command writes it; by default ``put_text(text, inline=True)``. Use
        ``lambda text: logbox_append("log", text)`` to stream into a logbox.
    :param encoding: the encoding of the command's output (bytes that are not
        valid in it are shown as U+FFFD).
    :param shell: run ``cmd`` (a string) through ``/bin/sh`` — pipes,
        redirections, variables. Only with text you trust: never put user
        input in a shell command.
    :return: the command's exit code.

    Unlike PyWebIO's battery, which always runs ``cmd`` through a shell, a
    string is only given to a shell when ``shell=True``. If the page goes away
    (or ``output_func`` raises) the command is killed. It blocks the caller
    while the command runs: in a coroutine-based app that is the event loop,
    so run it in a thread there (as with PyWebIO).

    Example::

        put_logbox("shell_output")
        run_shell("ls -l", output_func=lambda msg: logbox_append("shell_output", msg))
    """
    if shell:
        if not isinstance(cmd, str):
            raise TypeError("run_shell(shell=True) takes the command as one string")
        args: str | list[str] = cmd
    else:
        args = shlex.split(cmd) if isinstance(cmd, str) else [str(a) for a in cmd]
        if not args:
            raise ValueError(f"run_shell() got an empty command: {cmd!r}")
    output = output_func or functools.partial(put_text, inline=True)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    process = subprocess.Popen(
        args,
        shell=shell,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    try:
        _pump(process.stdout.fileno(), decoder, output)
        return process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()


def _pump(fd: int, decoder: codecs.IncrementalDecoder, output: Callable[[str], Any]) -> None:
    """Hand the pipe's text to ``output`` as it comes, whole lines where possible.

    Complete lines go out as soon as they are read; an unfinished line (a
    prompt, a progress dot) goes out once nothing more came for
    ``PARTIAL_LINE_WAIT``, so output is never held back longer than that.
    """
    pending = ""
    while True:
        if pending and os.name != "nt":  # select() cannot wait on a pipe on Windows
            ready, _, _ = select.select([fd], [], [], PARTIAL_LINE_WAIT)
            if not ready:
                output(pending)
                pending = ""
                continue
        chunk = os.read(fd, _CHUNK)  # whatever the pipe holds now, up to _CHUNK
        pending += decoder.decode(chunk, final=not chunk)
        if not chunk:
            break
        cut = pending.rfind("\n") + 1
        if cut:
            output(pending[:cut])
            pending = pending[cut:]
    if pending:
        output(pending)
