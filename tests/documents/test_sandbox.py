"""The child process: it reads what ``extract`` reads, and a file that hangs it or eats its memory is a
failure of that file alone, recorded with a reason, within the wall-time cap."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from essaim.documents import sandbox
from essaim.documents.extract import Format, Limits, Reason, Status
from tests.documents import factories

FAST = sandbox.Confinement(timeout_s=60)


def test_the_child_reads_a_pdf_with_accents():
    result = sandbox.run(factories.pdf(["Réunion à Besançon"]), Format.PDF, Limits(), FAST)
    assert result.status == Status.DONE
    assert "Réunion à Besançon" in result.text


def test_the_child_refuses_a_bomb_as_extract_does():
    result = sandbox.run(factories.xml_bomb_docx(), Format.DOCX, Limits(), FAST)
    assert (result.status, result.reason) == (Status.SKIPPED, Reason.UNSAFE_XML)


def test_a_child_that_runs_too_long_is_killed_at_the_wall_time_cap(monkeypatch, tmp_path):
    hang = tmp_path / "hang.py"
    hang.write_text("import time\ntime.sleep(60)\n")
    monkeypatch.setattr(sandbox, "SCRIPT", str(hang))
    started = time.monotonic()
    result = sandbox.run(b"", Format.TEXT, Limits(), sandbox.Confinement(timeout_s=1))
    assert (result.status, result.reason) == (Status.FAILED, Reason.TIMEOUT)
    assert time.monotonic() - started < 5


def test_a_child_past_its_cpu_seconds_is_ended_by_the_kernel(monkeypatch, tmp_path):
    """The child's own limit (``extract.confine``), not the parent's clock: SIGXCPU after one CPU second."""
    burn = tmp_path / "burn.py"
    burn.write_text(
        f"import sys\nsys.path.insert(0, {str(Path(sandbox.SCRIPT).parent)!r})\nimport extract\n"
        "extract.confine(memory_bytes=512 * 1024 * 1024, cpu_s=1, nice=0)\nwhile True:\n    pass\n"
    )
    monkeypatch.setattr(sandbox, "SCRIPT", str(burn))
    result = sandbox.run(b"", Format.TEXT, Limits(), sandbox.Confinement(timeout_s=60))
    assert (result.status, result.reason, result.detail) == (Status.FAILED, Reason.TIMEOUT, "CPU time limit")


def test_a_child_out_of_memory_fails_with_a_reason(monkeypatch):
    """A text file of 30 MB decoded three times over is more than a 40 MB address space allows."""
    result = sandbox.run(
        "é".encode() * 15_000_000,
        Format.TEXT,
        Limits(max_bytes=40_000_000, max_chars=40_000_000),
        sandbox.Confinement(timeout_s=60, memory_bytes=120 * 1024 * 1024),
    )
    assert result.status == Status.FAILED
    assert result.reason in (Reason.MEMORY, Reason.CRASHED)


def test_a_crashed_child_fails_with_its_last_words():
    result = sandbox._crashed(1, b"Traceback...\nValueError: bad")
    assert (result.status, result.reason) == (Status.FAILED, Reason.CRASHED)
    assert "ValueError: bad" in result.detail


@pytest.mark.parametrize(("code", "reason"), [(-24, Reason.TIMEOUT), (-9, Reason.TIMEOUT)])
def test_a_child_killed_for_cpu_time_fails_as_too_slow(code, reason):
    assert sandbox._crashed(code, b"").reason == reason
