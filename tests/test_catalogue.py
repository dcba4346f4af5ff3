"""The French catalogue follows the code: every string the interface shows is in it, translated.

``make messages`` is run on a copy of the tree (it rewrites the catalogue in place), and the
catalogue it writes is compared with the one in the repository.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path("essaim/locale/fr/LC_MESSAGES/django.po")

pytestmark = pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext)")


def entries(po: str) -> dict[str, set[str]]:
    """Each message of a catalogue (obsolete ones and the header aside) with its flags (``fuzzy``…)."""
    found: dict[str, set[str]] = {}
    flags: set[str] = set()
    lines = po.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("#,"):
            flags = {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("msgid "):
            parts = [line.removeprefix("msgid ")]
            parts += itertools.takewhile(lambda more: more.startswith('"'), lines[number + 1 :])
            found["".join(part.strip()[1:-1] for part in parts)] = flags
            flags = set()
    found.pop("", None)  # the header
    return found


def untranslated(po: Path) -> str:
    msgfmt = shutil.which("msgfmt") or "msgfmt"
    statistics = subprocess.run(  # noqa: S603 - GNU gettext on our own file, no shell
        [msgfmt, "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True, check=True
    ).stderr
    return "" if re.fullmatch(r"\d+ translated messages?\.\n", statistics) else statistics


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("tree")
    shutil.copytree(ROOT / "essaim", tree / "essaim", ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"))
    shutil.copy(ROOT / "manage.py", tree)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "fr", "--no-obsolete", "--verbosity", "0"],
        cwd=tree,
        check=True,
    )
    return tree / CATALOGUE


def test_every_string_of_the_code_is_in_the_catalogue_and_nothing_else(extracted: Path) -> None:
    kept, wanted = entries((ROOT / CATALOGUE).read_text()), entries(extracted.read_text())
    assert sorted(wanted.keys() - kept.keys()) == [], "missing from the catalogue: run make messages"
    assert sorted(kept.keys() - wanted.keys()) == [], "no longer in the code: run make messages"


def test_every_string_is_translated_and_none_is_fuzzy(extracted: Path) -> None:
    assert untranslated(extracted) == ""
    assert [msgid for msgid, flags in entries(extracted.read_text()).items() if "fuzzy" in flags] == []
