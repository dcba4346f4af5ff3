"""How Essaim opens its SQLite file: the settings' ``init_command``, kept here so that the tests
open their file databases the same way."""

from __future__ import annotations

INIT_COMMAND = (
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA mmap_size=134217728;"
    # A WAL that starts again from its beginning keeps its file, whose blocks the next pages
    # overwrite: cutting 400 MB held every writer up for 120 ms. The checkpointer thread cuts it once
    # the writes stop (``checkpoints.SHRINK_WHEN_IDLE_S``).
    "PRAGMA journal_size_limit=-1;"
    "PRAGMA cache_size=-64000;"
    "PRAGMA busy_timeout=20000;"
    # The checkpointer thread (``checkpoints``) copies the WAL every 10,000 pages (40 MB), not
    # SQLite's 1,000: a page written again meanwhile is copied once, and each copy's sync covers ten
    # times as many pages. Post creation: 25 % less CPU, 20 % more posts a second at concurrency 16
    # (bench/README.md).
    "PRAGMA wal_autocheckpoint=10000;"
)
