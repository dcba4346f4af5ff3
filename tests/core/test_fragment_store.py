"""The embedded default's shared HTML (``core.fragment_store``): one SQLite file every process reads and
writes, bounded, first in first out; and ``manage.py serve`` starting from an empty one."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from essaim.core import fragment_store, fragments
from essaim.core.fragment_store import SQLiteFragmentCache


def _store(path: Path, **options: int) -> SQLiteFragmentCache:
    return SQLiteFragmentCache(str(path), {"OPTIONS": options})


@pytest.fixture
def store(tmp_path: Path) -> SQLiteFragmentCache:
    return _store(tmp_path / "fragments.sqlite3")


def _draw_in_another_process(path: str) -> None:
    _store(Path(path)).set_many({"essaim:card:1": "<article>é 👍</article>", "essaim:card:2": "<article/>"})


class TestSharedFile:
    def test_what_one_process_draws_another_reads(self, tmp_path: Path) -> None:
        path = tmp_path / "fragments.sqlite3"
        reader = _store(path)
        assert reader.get_many(["essaim:card:1"]) == {}
        child = multiprocessing.get_context("spawn").Process(target=_draw_in_another_process, args=(str(path),))
        child.start()
        child.join(timeout=30)
        assert child.exitcode == 0
        assert reader.get_many(["essaim:card:1", "essaim:card:2", "essaim:card:3"]) == {
            "essaim:card:1": "<article>é 👍</article>",
            "essaim:card:2": "<article/>",
        }

    def test_several_entries_are_written_in_one_transaction(self, store: SQLiteFragmentCache) -> None:
        statements: list[str] = []
        store._db().set_trace_callback(statements.append)
        store.set_many({f"k{i}": f"<p>{i}</p>" for i in range(20)})
        assert [s for s in statements if s in {"BEGIN IMMEDIATE", "COMMIT"}] == ["BEGIN IMMEDIATE", "COMMIT"]
        assert len(store) == 20

    def test_an_expired_entry_is_not_served(self, store: SQLiteFragmentCache, monkeypatch: pytest.MonkeyPatch) -> None:
        store.set_many({"k": "<p>k</p>"}, timeout=10)
        later = time.time() + 11
        monkeypatch.setattr(time, "time", lambda: later)
        assert store.get("k") is None

    def test_djangos_cache_api_as_fragments_use_it(self, store: SQLiteFragmentCache) -> None:
        store.set("a", "<p>a</p>")
        assert store.get("a") == "<p>a</p>"
        assert store.get("missing", "default") == "default"
        assert store.add("a", "<p>other</p>") is False
        assert store.add("b", "<p>b</p>") is True
        assert store.delete("a") is True
        assert store.delete("a") is False
        store.clear()
        assert len(store) == 0


class TestBounded:
    def test_the_oldest_entries_go_first_past_max_entries(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(fragment_store, "CULL_EVERY", 1)
        store = _store(tmp_path / "f.sqlite3", MAX_ENTRIES=3)
        for name in "abcde":
            store.set(name, name)
        assert store.get_many(list("abcde")) == {"c": "c", "d": "d", "e": "e"}

    def test_an_entry_written_again_takes_a_new_place_at_the_end(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(fragment_store, "CULL_EVERY", 1)
        store = _store(tmp_path / "f.sqlite3", MAX_ENTRIES=2)
        store.set("a", "a")
        store.set("b", "b")
        store.set("a", "a")  # drawn again (another process, or after it expired)
        store.set("c", "c")
        assert store.get_many(list("abc")) == {"a": "a", "c": "c"}


class TestTheSettings:
    def test_fragments_are_shared_by_redis_when_configured_else_by_a_file_beside_the_database(self) -> None:
        expected = RedisCache if settings.REDIS_URL else SQLiteFragmentCache
        assert isinstance(caches[fragments.ALIAS], expected)

    def test_serve_starts_from_an_empty_file_and_leaves_redis_alone(self) -> None:
        old = {"essaim:test:old": "<p>drawn by the previous release</p>"}
        fragments.set_html(old)
        fragments.forget_shared_file()
        fragments.forget_local()
        assert fragments.get_html(["essaim:test:old"]) == (old if settings.REDIS_URL else {})
