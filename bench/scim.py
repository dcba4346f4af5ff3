"""``python -m bench.scim --users 1000 --db sqlite|postgres``: a directory's provisioning burst over SCIM.

A new database; a directory token; then, through Django's whole stack in this process (the test client:
middleware, token check, services, audit), what Okta or Microsoft Entra send when a company connects:
``--users`` people created one ``POST /scim/v2/Users`` each (with name, e-mail, title, phone, the enterprise
extension's department and employee number; one department in 50), then the lookups they make before each
write (``filter=userName eq "…"``), a filter over many (``name.familyName sw "…"``), pages of 100
(``startIndex``/``count``), and deactivations (``PATCH`` ``active: false``, which revoke sessions and tokens).
Targets: a creation p99 ≤ 100 ms, a lookup p99 ≤ 30 ms, a page of 100 p99 ≤ 300 ms.
Results: ``bench/results/scim-<db>.json`` unless ``--no-save``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.server import REPO, reset_postgres, standalone_env

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
FAMILY = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"]
GIVEN = ["Léa", "Hugo", "Chloé", "Louis", "Emma", "Gabriel", "Jade", "Raphaël", "Louise", "Arthur"]
TARGETS_MS = {"create": 100.0, "lookup": 30.0, "page of 100": 300.0}


def log(message: str) -> None:
    print(message, flush=True)


def person(n: int) -> dict[str, Any]:
    given, family = GIVEN[n % len(GIVEN)], FAMILY[(n // len(GIVEN)) % len(FAMILY)]
    address = f"p{n}@bench.test"
    return {
        "schemas": [USER, ENTERPRISE],
        "userName": address,
        "externalId": f"00u{n:08d}",
        "name": {"givenName": given, "familyName": family},
        "displayName": f"{given} {family}",
        "emails": [{"value": address, "type": "work", "primary": True}],
        "phoneNumbers": [{"value": f"+33 1 00 00 {n % 100:02d} {n // 100 % 100:02d}", "type": "work"}],
        "title": "Chargé·e de mission",
        "active": True,
        ENTERPRISE: {"employeeNumber": f"E{n:06d}", "department": f"Service {n % 50}"},
    }


def timed(call: Callable[[], Any], times: list[float]) -> Any:
    from django.db import reset_queries

    began = time.perf_counter()
    response = call()
    times.append((time.perf_counter() - began) * 1000)
    reset_queries()  # DEBUG keeps every query otherwise
    return response


def figures(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "count": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[max(int(len(ordered) * 0.99) - 1, 0)], 2),
        "total_s": round(sum(ordered) / 1000, 1),
    }


def burst(users: int, requests: int) -> dict[str, dict[str, float]]:
    from django.test import Client

    from essaim.accounts.models import User
    from essaim.scim import services

    admin = User.objects.create(email="admin@bench.test", handle="admin", first_name="A", last_name="Dmin")
    admin.is_network_admin = True
    admin.save()
    _token, raw = services.scim_token_create(actor=admin, name="bench")
    client = Client(headers={"Authorization": f"Bearer {raw}"})

    def send(method: str, path: str, body: Any = None) -> Any:
        kwargs = {"data": json.dumps(body), "content_type": "application/scim+json"} if body is not None else {}
        response = getattr(client, method)(f"/scim/v2/{path}", **kwargs)
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.content[:300]!r}")
        return response

    for _ in range(5):  # warm up: the URL map, templates, the first queries' plans
        send("get", "Users?count=1")
    times: dict[str, list[float]] = {"create": [], "lookup": [], "filter sw": [], "page of 100": [], "deactivate": []}
    ids: list[str] = []
    for n in range(users):
        timed(lambda n=n: send("get", f'Users?filter=userName eq "p{n}@bench.test"'), times["lookup"])
        created = timed(lambda n=n: send("post", "Users", person(n)), times["create"])
        ids.append(json.loads(created.content)["id"])
    for n in range(requests):
        timed(lambda n=n: send("get", f'Users?filter=userName eq "p{n * 7 % users}@bench.test"'), times["lookup"])
        family = FAMILY[n % len(FAMILY)][:3]
        timed(
            lambda family=family: send("get", f'Users?filter=name.familyName sw "{family}"&count=100'),
            times["filter sw"],
        )
        start = 1 + (n * 100) % max(users - 100, 1)
        timed(lambda start=start: send("get", f"Users?startIndex={start}&count=100"), times["page of 100"])
    body = {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]}
    for user_id in ids[: min(requests, len(ids))]:
        timed(lambda user_id=user_id: send("patch", f"Users/{user_id}", body), times["deactivate"])
    return {name: figures(values) for name, values in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scim", description=__doc__)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=100, help="lookups, filters, pages and deactivations each")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="essaim-scim-") as directory:
        database_url = ""
        if args.db == "postgres":
            base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
            database_url = f"{base.rstrip('/')}/essaim_bench_scim"
            reset_postgres(database_url)
        env = standalone_env(Path(directory), database_url, ESSAIM_DEBUG="1", ESSAIM_ALLOWED_HOSTS="testserver")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"], cwd=REPO, env=env, check=True
        )
        os.environ.update(env)
        sys.path.insert(0, str(REPO))
        import django

        django.setup()
        from django.db import connection

        began = time.perf_counter()
        results = burst(args.users, args.requests)
        elapsed = time.perf_counter() - began
        if args.db == "postgres":
            connection.close()
    log(f"{args.users:,} people provisioned, then {args.requests} of each read, in {elapsed:.0f} s")
    for name, values in results.items():
        log(f"  {name}: p50 {values['p50_ms']} ms, p99 {values['p99_ms']} ms ({values['count']} requests)")
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": args.db,
        "users": args.users,
        "elapsed_s": round(elapsed, 1),
        "targets_p99_ms": TARGETS_MS,
        "results": results,
    }
    if not args.no_save:
        path = REPO / "bench" / "results" / f"scim-{args.db}.json"
        path.write_text(json.dumps(report, indent=2) + "\n")
        log(f"Results: {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
