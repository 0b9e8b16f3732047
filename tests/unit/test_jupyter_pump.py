"""The event pump refuses kernels whose internals it does not know."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from pywebio_nb.jupyter._pump import EventPump, UnsupportedKernel


def test_no_shell_stream_is_unsupported() -> None:
    with pytest.raises(UnsupportedKernel, match="no shell stream"):
        EventPump(SimpleNamespace())


def test_ipykernel7_layout_without_the_main_stream_is_unsupported() -> None:
    manager = SimpleNamespace(_shell_channel_to_main=SimpleNamespace(to_stream=None))
    kernel = SimpleNamespace(
        shell_channel_thread=SimpleNamespace(manager=manager), _supports_kernel_subshells=True
    )
    with pytest.raises(UnsupportedKernel, match="shell-channel-to-main"):
        EventPump(kernel)


def test_stream_without_receive_callback_is_unsupported() -> None:
    stream = SimpleNamespace(socket=object(), _recv_callback=None)
    with pytest.raises(UnsupportedKernel, match="receive callback"):
        EventPump(SimpleNamespace(shell_stream=stream))
