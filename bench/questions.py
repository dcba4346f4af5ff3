"""``python -m bench.questions --db sqlite|postgres``: a question's page, voting in a poll and voting an answer up.

A new database takes ``--people`` people, a company-wide question with ``--answers`` answers (each voted
up by a few), a poll of four options, and a few hundred other posts; then requests go through Django's
whole stack in this process (the test client: middleware, session, template), ``--requests`` of each:
the question's page (answers ordered, votes, accepted answer first), a vote in the poll (each by another
person, the poll's row locked and its counts recounted), an answer voted up then down. Then 16 people
vote at once, each in a thread of their own with its own connection, and the counts are checked: no vote
lost or counted twice. Targets: question page p99 ≤ 25 ms, voting p99 ≤ 20 ms.
Results: ``bench/results/questions-<db>.json`` unless ``--no-save``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.server import REPO, reset_postgres, standalone_env

TARGET_PAGE_P99_MS = 25.0
TARGET_VOTE_P99_MS = 20.0
CONCURRENT_VOTERS = 16


def log(message: str) -> None:
    print(message, flush=True)


def fill(people: int, answers: int) -> dict[str, Any]:
    from essaim.accounts.models import User
    from essaim.polls.models import Poll
    from essaim.questions import services as questions
    from essaim.stream import services as stream
    from essaim.stream.models import PostKind

    rng = random.Random(20)
    users = User.objects.bulk_create(
        [User(email=f"p{n}@bench.test", handle=f"p{n}", first_name="Personne", last_name=str(n)) for n in range(people)]
    )
    users = list(User.objects.order_by("pk"))
    asker = users[0]
    for n in range(300):
        kind = PostKind.QUESTION if n % 20 == 0 else PostKind.POST
        stream.post_create(actor=users[rng.randrange(people)], body=f"Nouvelle n° {n} #bench", kind=kind)
    question = stream.post_create(
        actor=asker, body="Qui connaît la procédure de note de frais ?", kind=PostKind.QUESTION
    )
    replies = [
        stream.comment_create(actor=users[1 + n], post=question, body=f"Réponse {n} : voir l'intranet, rubrique {n}.")
        for n in range(answers)
    ]
    for reply in replies:
        for voter in rng.sample(users[answers + 1 :], 5):
            questions.answer_vote(actor=voter, post=question, answer=reply)
    questions.answer_accept(actor=asker, post=question, answer=replies[answers // 2])
    poll_post = stream.post_create(
        actor=asker,
        body="Quel jour pour l'atelier ?",
        kind=PostKind.POLL,
        kind_data={"options": ["Lundi", "Mardi", "Jeudi", "Vendredi"], "multiple": True},
    )
    return {
        "users": users,
        "question": question,
        "answer": replies[0],
        "poll": Poll.objects.get(post=poll_post),
        "poll_post": poll_post,
    }


def _figures(timings: list[float]) -> dict[str, float]:
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(timings[max(int(len(timings) * 0.99) - 1, 0)], 2),
    }


def measure(clients: list[Any], method: str, url: str, data: Any, requests: int, *, ok: set[int]) -> dict[str, float]:
    from django.db import reset_queries

    timings = []
    for n in range(requests):
        client = clients[n % len(clients)]
        began = time.perf_counter()
        response = getattr(client, method)(url, data(n) if callable(data) else data)
        timings.append((time.perf_counter() - began) * 1000)
        reset_queries()  # DEBUG keeps every query otherwise
        if response.status_code not in ok:
            raise RuntimeError(f"{url}: {response.status_code}")
    return _figures(timings)


def concurrent_votes(asked: dict[str, Any]) -> dict[str, Any]:
    """16 people vote at once (a barrier lets them go together), each twice (a vote then a change)."""
    from django.db import connection

    from essaim.polls import services
    from essaim.polls.models import Poll, PollVote
    from essaim.stream import services as stream
    from essaim.stream.models import PostKind

    voters = asked["users"][-CONCURRENT_VOTERS:]
    post = stream.post_create(
        actor=asked["users"][0], body="Vote simultané", kind=PostKind.POLL, kind_data={"options": ["A", "B", "C"]}
    )
    poll = Poll.objects.get(post=post)
    start = threading.Barrier(CONCURRENT_VOTERS)
    errors: list[str] = []
    timings: list[float] = []

    def vote(n: int, voter: Any) -> None:
        try:
            start.wait(30)
            for choice in (n % 3, (n + 1) % 3):
                fresh = Poll.objects.select_related("post").get(pk=poll.pk)
                began = time.perf_counter()
                services.poll_vote(actor=voter, poll=fresh, choices=[choice])
                timings.append((time.perf_counter() - began) * 1000)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(n, v)) for n, v in enumerate(voters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    poll.refresh_from_db()
    counted = PollVote.objects.filter(poll=poll).count()
    correct = not errors and poll.voters_count == CONCURRENT_VOTERS and poll.votes_count == counted == CONCURRENT_VOTERS
    return {"voters": CONCURRENT_VOTERS, "errors": errors[:3], "correct": correct, **_figures(timings or [0.0])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.questions", description=__doc__)
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--answers", type=int, default=30)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="essaim-questions-") as directory:
        database_url = ""
        if args.db == "postgres":
            base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
            database_url = f"{base.rstrip('/')}/essaim_bench_questions"
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
        from django.test import Client
        from django.urls import reverse

        began = time.perf_counter()
        asked = fill(args.people, args.answers)
        filled_s = time.perf_counter() - began
        log(f"filled in {filled_s:.0f} s")
        question, answer, poll_post = asked["question"], asked["answer"], asked["poll_post"]
        readers = []
        for user in asked["users"][args.answers + 1 : args.answers + 1 + args.requests]:
            client = Client()
            client.force_login(user)
            readers.append(client)
        page = question.get_absolute_url()
        vote_url = reverse("polls:vote", kwargs={"post_id": poll_post.pk})
        answer_url = reverse("questions:answer-vote", kwargs={"post_id": question.pk, "answer_id": answer.pk})
        measure(readers[:5], "get", page, {}, 20, ok={200})  # warm up: templates, sessions
        results = {
            "question page": measure(readers[:20], "get", page, {}, args.requests, ok={200}),
            "poll vote": measure(
                readers, "post", vote_url, lambda n: {"choices": [str(n % 4)]}, args.requests, ok={302}
            ),
            "answer vote (up, then down)": measure(
                readers[:50],
                "post",
                answer_url,
                lambda n: {"up": "1" if (n // 50) % 2 == 0 else "0"},
                args.requests,
                ok={302},
            ),
        }
        results["16 voters at once (service)"] = concurrent_votes(asked)
        if args.db == "postgres":
            connection.close()
    for name, figures in results.items():
        log(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": args.db,
        "people": args.people,
        "answers": args.answers,
        "requests_each": args.requests,
        "fill_s": round(filled_s, 1),
        "target_page_p99_ms": TARGET_PAGE_P99_MS,
        "target_vote_p99_ms": TARGET_VOTE_P99_MS,
        "results": results,
    }
    if not args.no_save:
        path = REPO / "bench" / "results" / f"questions-{args.db}.json"
        path.write_text(json.dumps(report, indent=2, default=str) + "\n")
        log(f"Results: {path.relative_to(REPO)}")
    return 0 if results["16 voters at once (service)"]["correct"] else 1


if __name__ == "__main__":
    sys.exit(main())
