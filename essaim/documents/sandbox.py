"""Run ``extract`` on one file in a child process with limits, so that no file can hang or exhaust the worker.

The child is a fresh interpreter (``python -I``: no environment, no user site, not the worker's
modules) running ``extract.py`` as a script, with an empty environment (no secret reaches it). It
confines itself before reading a byte (``extract.confine``: address space, CPU seconds, no file
written, ``nice`` 10); the parent gives it the file on its standard input, waits at most
``timeout_s`` of wall time and kills it then. Whatever happens to the child — killed, out of memory,
crashed — is this file's failure, recorded with a reason; the worker goes on.

A fresh process rather than ``fork``: the worker has threads (the outbox loop, the scheduler), and
forking a threaded process can deadlock the child.
"""

from __future__ import annotations

import dataclasses
import json
import signal
import subprocess
import sys
from pathlib import Path

from essaim.documents.extract import Format, Limits, Reason, Result, Status

SCRIPT = str(Path(__file__).with_name("extract.py"))


@dataclasses.dataclass(frozen=True)
class Confinement:
    """The child's limits: ``cpu_s`` CPU seconds (what a hostile file burns), ``timeout_s`` of wall time
    (longer: at ``nice`` 10 the child waits while the web workers are busy), its address space."""

    timeout_s: float = 60.0
    cpu_s: int = 20
    memory_bytes: int = 512 * 1024 * 1024
    nice: int = 10


def run(data: bytes, fmt: Format, limits: Limits, confinement: Confinement) -> Result:
    config = {
        "format": str(fmt),
        "limits": dataclasses.asdict(limits),
        "memory_bytes": confinement.memory_bytes,
        "cpu_s": max(1, confinement.cpu_s),
        "nice": confinement.nice,
    }
    try:
        child = subprocess.run(  # noqa: S603 - our own interpreter and script, no shell
            [sys.executable, "-I", SCRIPT, json.dumps(config)],
            input=data,
            capture_output=True,
            timeout=confinement.timeout_s,
            env={"LC_ALL": "C.UTF-8"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Result(Status.FAILED, reason=Reason.TIMEOUT, detail=f"longer than {confinement.timeout_s:g} s")
    if child.returncode == 0:
        try:
            return Result.from_json(child.stdout)
        except (ValueError, KeyError, TypeError):
            pass
    return _crashed(child.returncode, child.stderr)


def _crashed(returncode: int, stderr: bytes) -> Result:
    last = (stderr.decode("utf-8", "replace").strip().splitlines() or [""])[-1][:200]
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return Result(Status.FAILED, reason=Reason.TIMEOUT, detail="CPU time limit")
    if "MemoryError" in last:
        return Result(Status.FAILED, reason=Reason.MEMORY, detail="memory limit")
    return Result(Status.FAILED, reason=Reason.CRASHED, detail=f"exit {returncode}: {last}")
