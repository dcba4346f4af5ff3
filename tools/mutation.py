"""``make mutation``: targeted mutants of the access rules and of every hand-written visibility encoding.

Each mutant (``tools/mutants.py``) is one source substring replaced in one file: a rule weakened or
widened the way a slip would. It is applied in a copy of the tree under a temporary directory (the
working tree is never touched), the tests that should notice it run there (SQLite, stopping at the
first failure), and the mutant is *killed* when they fail, *survived* when they pass. The score is
killed / all; a survivor is a rule no test pins down (or an equivalent change, explained in
docs/architecture.md). Two copies run side by side (``--jobs``).

    python -m tools.mutation               # every mutant
    python -m tools.mutation --only tag    # those whose name contains "tag"
    python -m tools.mutation --list
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import Queue

from tools.mutants import MUTANTS, Mutant

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("essaim", "tests", "pyproject.toml", "manage.py")
LINKED = ("node_modules",)
# Each copy's tests use a database file migrated once (``warm_up``) and kept (``--reuse-db``): building
# the test database took most of each mutant's run. Mutants change code, never the schema.
SETTINGS = """from essaim.settings import *  # noqa: F403

DATABASES["default"]["TEST"] = {"NAME": %r}  # noqa: F405
"""
PYTEST = ("-p", "no:cacheprovider", "-n", "0", "--ds", "mutation_settings", "--reuse-db")
TIMEOUT = 300  # seconds per mutant: a mutant that makes the tests hang is killed
THRESHOLD = 95.0


@dataclass
class Outcome:
    mutant: Mutant
    killed: bool
    seconds: float
    detail: str


def _copy_tree(into: Path) -> Path:
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, into / name)
    for name in LINKED:
        if (ROOT / name).exists():
            (into / name).symlink_to(ROOT / name)
    (into / "mutation_settings.py").write_text(SETTINGS % str(into / "test.sqlite3"))
    return into


def warm_up(tree: Path) -> None:
    """Migrate the copy's test database once, and check that its tests pass unmutated."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and test paths
        [sys.executable, "-m", "pytest", *PYTEST, "--create-db", "tests/access/test_policy.py"],
        cwd=tree,
        env=_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"The unmutated tree fails its tests:\n{done.stdout[-2000:]}")


def check(mutants: list[Mutant]) -> list[str]:
    """Problems with the list itself: a substring that is not in its file exactly once, a name used twice."""
    problems = []
    names = [m.name for m in mutants]
    problems += [f"{name}: the name is used twice" for name in sorted({n for n in names if names.count(n) > 1})]
    for m in mutants:
        count = (ROOT / m.file).read_text().count(m.before)
        if count != 1:
            problems.append(f"{m.name}: {m.file} holds the substring {count} times, not once")
        for test in m.tests:
            if not (ROOT / test.split("::")[0]).exists():
                problems.append(f"{m.name}: no test file {test}")
    return problems


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ESSAIM_DATABASE_URL", "ESSAIM_REDIS_URL"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_one(mutant: Mutant, tree: Path) -> Outcome:
    """Apply ``mutant`` in ``tree``, run its tests there, put the file back."""
    target = tree / mutant.file
    original = target.read_text()
    target.write_text(original.replace(mutant.before, mutant.after, 1))
    command = [sys.executable, "-m", "pytest", *PYTEST, "-x", *mutant.tests]
    started = time.monotonic()
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and test paths
            command, cwd=tree, env=_environment(), capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
        killed, detail = done.returncode != 0, _summary(done.stdout)
        if done.returncode not in {0, 1}:
            detail = f"error (exit {done.returncode}): {detail}"
    except subprocess.TimeoutExpired:
        killed, detail = True, f"timed out after {TIMEOUT} s"
    finally:
        target.write_text(original)
    return Outcome(mutant, killed, time.monotonic() - started, detail)


def _summary(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    return (failed or lines[-1:] or [""])[0][:160]


def run(mutants: list[Mutant], jobs: int) -> list[Outcome]:
    with tempfile.TemporaryDirectory(prefix="essaim-mutation-") as scratch:
        trees: Queue[Path] = Queue()
        copies = []
        for n in range(jobs):
            (Path(scratch) / str(n)).mkdir()
            copies.append(_copy_tree(Path(scratch) / str(n)))
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(warm_up, copies))
        for tree in copies:
            trees.put(tree)

        def task(mutant: Mutant) -> Outcome:
            tree = trees.get()
            try:
                outcome = run_one(mutant, tree)
            finally:
                trees.put(tree)
            verdict = "killed  " if outcome.killed else "SURVIVED"
            print(f"{verdict} {outcome.seconds:5.1f} s  {mutant.name}: {outcome.detail}", flush=True)
            return outcome

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(task, mutants))


def report(outcomes: list[Outcome], seconds: float) -> float:
    killed = sum(o.killed for o in outcomes)
    score = 100.0 * killed / len(outcomes) if outcomes else 100.0
    print(f"\n{killed} of {len(outcomes)} mutants killed: {score:.1f} % (in {seconds / 60:.1f} min)")
    for o in outcomes:
        if not o.killed:
            print(f"  survived: {o.mutant.name} ({o.mutant.file}){' — ' + o.mutant.why if o.mutant.why else ''}")
    return score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help="run the mutants whose name contains this text")
    parser.add_argument("--jobs", type=int, default=2, help="copies of the tree tested side by side")
    parser.add_argument("--list", action="store_true", help="list the mutants and check them, run nothing")
    args = parser.parse_args(argv)
    mutants = [m for m in MUTANTS if args.only in m.name]
    problems = check(MUTANTS)
    for problem in problems:
        print(f"mutant list: {problem}", file=sys.stderr)
    if problems:
        return 2
    if args.list:
        for m in mutants:
            print(f"{m.name:45} {m.file}")
        print(f"{len(mutants)} mutants")
        return 0
    started = time.monotonic()
    score = report(run(mutants, max(1, args.jobs)), time.monotonic() - started)
    return 0 if score >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main())
