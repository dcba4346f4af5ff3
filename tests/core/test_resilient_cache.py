"""Redis stopped: the cache answers misses, writes are dropped, counters fail open, and pages are still served."""

from __future__ import annotations

import json
import time

from essaim.core.counters import RedisCounterCache
from essaim.core.resilient_cache import ResilientRedisCache
from tests import processes

STOPPED = "redis://127.0.0.1:1/0"  # nothing listens there


def test_a_stopped_redis_is_a_miss_quickly() -> None:
    cache = ResilientRedisCache(STOPPED, {})
    began = time.monotonic()
    cache.set("card:1", "<article>")
    assert cache.get("card:1", "missed") == "missed"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("lock", 1) is False
    assert cache.delete("card:1") is False
    assert time.monotonic() - began < 5, "each call waits half a second at most"


def test_counters_fail_open() -> None:
    assert RedisCounterCache(STOPPED, {}).count("signin:lea", 60) == 1


PAGES = """
import json
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
from essaim.accounts.models import User
from essaim.people.models import Profile
lea = User.objects.create(email="lea@example.com", handle="lea", first_name="Léa", last_name="Martin")
Profile.objects.create(user=lea)
client = Client(HTTP_HOST="127.0.0.1")  # a host the settings allow
client.force_login(lea)
answers = {
    "home": client.get("/").status_code,
    "post": client.post("/posts/new", {"body": "Redis est arrêté", "visibility": "company"}).status_code,
    "api": client.get("/api/v1/timelines/home").status_code,
    "people": client.get("/people/").status_code,
}
print(json.dumps(answers))
"""


def test_pages_and_the_api_are_served_while_redis_is_stopped() -> None:
    env = processes.environment(ESSAIM_REDIS_URL=STOPPED)
    answers = json.loads(processes.shell(env, PAGES).strip().splitlines()[-1])
    assert answers == {"home": 200, "post": 302, "api": 200, "people": 200}


def test_readiness_probes_still_hear_why() -> None:
    import pytest
    import redis

    with pytest.raises(redis.ConnectionError):
        ResilientRedisCache(STOPPED, {}).check()
