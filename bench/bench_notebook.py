"""Benchmark: blocking input() inside a real notebook kernel.

A scripted frontend (jupyter_client, no browser) answers each form the
moment it arrives. Measured:

1. round trip of ``input()`` in a cell: from sending ``from_submit`` until the
   next form arrives (median and p90 over 200 inputs), ipykernel 7 (and 6.29
   when the .venv-ipk6 venv exists), as seen by the client; and the kernel's
   own share: from reading the answer off its shell socket to sending the next
   form (timestamps taken inside the kernel);
2. CPU used by the kernel while a cell is blocked in ``input()`` and nobody
   answers (5 s window, from /proc).

Run: .venv/bin/python bench/bench_notebook.py
"""

from __future__ import annotations

import json
import os
import pathlib
import statistics
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "notebooks"))

from kernel_driver import KernelDriver  # noqa: E402

N = 200
IDLE_SECONDS = 5.0


def _cpu_seconds(pid: int) -> float:
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _forms(driver: KernelDriver) -> list[tuple[str, dict]]:
    return [
        (cid, c) for cid, cs in driver.commands.items() for c in cs if c["command"] == "input_group"
    ]


# Runs inside the kernel: timestamps of answers read by the pump and of sends.
_PROBE = """
import time
from pywebio_nb.jupyter import _pump, _widget
_bench_t = []
def _bench_wrap(cls, name, tag):
    original = getattr(cls, name)
    def wrapper(*args, **kwargs):
        _bench_t.append((tag, time.perf_counter()))
        return original(*args, **kwargs)
    setattr(cls, name, wrapper)
_bench_wrap(_pump.EventPump, "_handle", "recv")
_bench_wrap(_widget.CellRoot, "send", "send")
"""
_REPORT = """
import statistics
_d = [(b[1] - a[1]) * 1000 for a, b in zip(_bench_t, _bench_t[1:])
      if a[0] == "recv" and b[0] == "send"]
print("KERNEL", statistics.median(_d))
"""


def measure(kernel_name: str) -> dict[str, float]:
    driver = KernelDriver(kernel_name)
    try:
        driver.reply(driver.execute(_PROBE), timeout=30)
        loop_id = driver.execute(
            f"from pywebio_nb.input import input\nfor i in range({N}):\n    input(str(i))\n"
        )
        rtts: list[float] = []
        sent = 0.0
        for answered in range(N):
            driver.pump_until(lambda n=answered: len(_forms(driver)) > n, timeout=30)
            received = time.perf_counter()
            forms = _forms(driver)
            if answered:
                rtts.append(received - sent)
            comm_id, form = forms[answered]
            sent = time.perf_counter()
            driver.send_event(
                comm_id,
                {
                    "event": "from_submit",
                    "task_id": form["task_id"],
                    "data": {"data": str(answered)},
                },
            )
        driver.reply(loop_id, timeout=30)
        driver.reply(driver.execute(_REPORT), timeout=30)
        line = driver.pump_until(
            lambda: next(
                (
                    o["content"]["text"]
                    for o in driver.outputs
                    if o["msg_type"] == "stream" and "KERNEL" in o["content"]["text"]
                ),
                None,
            )
        )
        kernel_ms = float(line.split()[1])

        driver.execute("x = input('idle')")
        driver.pump_until(lambda: len(_forms(driver)) > N, timeout=30)
        pid = driver.km.provisioner.process.pid
        before, start = _cpu_seconds(pid), time.monotonic()
        deadline = start + IDLE_SECONDS
        while time.monotonic() < deadline:  # keep reading IOPub, answer nothing
            try:
                driver.pump_until(lambda: False, timeout=deadline - time.monotonic())
            except TimeoutError:
                break
        cpu = (_cpu_seconds(pid) - before) / (time.monotonic() - start) * 100
        return {
            "median_ms": statistics.median(rtts) * 1000,
            "kernel_ms": kernel_ms,
            "p90_ms": statistics.quantiles(rtts, n=10)[-1] * 1000,
            "idle_cpu_percent": cpu,
        }
    finally:
        driver.close()


def _ipykernel6_spec() -> str | None:
    python = REPO / ".venv-ipk6" / "bin" / "python"
    if not python.exists():
        return None
    root = pathlib.Path(tempfile.mkdtemp())
    spec_dir = root / "kernels" / "bench-ipykernel6"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "ipykernel 6.29",
                "language": "python",
                "env": {"PYTHONPATH": str(REPO)},
            }
        )
    )
    os.environ["JUPYTER_PATH"] = str(root)
    return "bench-ipykernel6"


def main() -> None:
    kernels = [("ipykernel 7 (venv)", "python3")]
    spec6 = _ipykernel6_spec()
    if spec6:
        kernels.append(("ipykernel 6.29", spec6))
    print(
        f"{'kernel':<22} {'input() median':>15} {'p90':>9} {'in kernel':>10} "
        f"{'CPU blocked idle':>17}"
    )
    for label, name in kernels:
        r = measure(name)
        print(
            f"{label:<22} {r['median_ms']:>12.2f} ms {r['p90_ms']:>6.2f} ms "
            f"{r['kernel_ms']:>7.2f} ms {r['idle_cpu_percent']:>15.2f} %"
        )


if __name__ == "__main__":
    main()
