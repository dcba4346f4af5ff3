"""A reproducible benchmark dataset: people, follows, posts, comments, reactions, home timelines.

``make_plan(size, seed)`` builds everything in memory from one ``random.Random(seed)`` (pure
Python, no database); ``load_plan(plan)`` writes it with the fastest path each database
offers, inside one transaction: ``executemany`` on SQLite, ``COPY`` on PostgreSQL. Nothing
that changes semantics is disabled: constraints, indexes and foreign keys stay on.

Home timelines are materialised with the stream's own delivery rules
(``essaim.stream.timelines.audience``): the author, the people mentioned, the author's
followers for company and followers-only posts, the followers of its tags for company posts;
each timeline keeps its newest ``HOME_TIMELINE_CAP`` posts, as ``rebuild``/``trim`` do.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from essaim.core.ids import SEQUENCE_BITS, id_floor

DATASET_VERSION = 1
SEED = 20240601
PASSWORD = "bench-password-0123"  # noqa: S105 - every benchmark person's known password


@dataclass(frozen=True)
class Size:
    name: str
    people: int
    follows_mean: int
    power_law_out_degree: bool  # M: out-degrees vary; S: everyone follows exactly follows_mean people
    posts: int
    comments: int
    reactions: int
    days: int = 90
    tags: int = 200


SIZES = {
    "toy": Size("toy", people=30, follows_mean=5, power_law_out_degree=False, posts=120, comments=200, reactions=300),
    "S": Size("S", people=1_000, follows_mean=50, power_law_out_degree=False, posts=10_000, comments=20_000,
              reactions=50_000),
    "M": Size("M", people=10_000, follows_mean=100, power_law_out_degree=True, posts=200_000, comments=400_000,
              reactions=1_000_000),
}  # fmt: skip

# Popularity: person i (0 = the CEO) is followed with weight (i + 1) ** -POPULARITY_EXPONENT;
# with 100 follows each, that makes the CEO followed by about a third of the company.
POPULARITY_EXPONENT = 0.5
ACTIVITY_EXPONENT = 0.8
VISIBILITY_MIX = (("company", 0.88), ("followers", 0.10), ("mentioned", 0.02))
EMOJI_MIX = (("👍", 0.55), ("❤️", 0.15), ("🎉", 0.12), ("😄", 0.08), ("😮", 0.04), ("🙏", 0.06))

WORDS = [
    "projet",
    "équipe",
    "client",
    "livraison",
    "réunion",
    "objectif",
    "budget",
    "trimestre",
    "lancement",
    "retour",
    "atelier",
    "formation",
    "sécurité",
    "qualité",
    "innovation",
    "produit",
    "usine",
    "bureau",
    "partenaire",
    "résultat",
    "planning",
    "release",
    "customer",
    "roadmap",
    "meeting",
    "launch",
    "feedback",
    "workshop",
    "training",
    "quality",
    "results",
    "merci",
    "bravo",
    "félicitations",
    "nouvelle",
    "étape",
    "demain",
    "semaine",
    "prochaine",
    "aujourd'hui",
    "ensemble",
    "the",
    "team",
    "shipped",
    "great",
    "work",
    "new",
    "version",
    "available",
    "please",
    "review",
    "thanks",
    "everyone",
]
TAG_WORDS = [
    "innovation",
    "rse",
    "securite",
    "qualite",
    "produit",
    "client",
    "projet",
    "formation",
    "lancement",
    "resultats",
    "roadmap",
    "release",
    "onboarding",
    "bienetre",
    "teletravail",
    "data",
    "ia",
    "cloud",
    "support",
    "ventes",
]
MENTION_SLOT = "zzmention{}zz"
TAG_SLOT = "zztag{}zz"
TEMPLATES = 400


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    handle: str
    email: str


@dataclass
class PostRow:
    id: int
    author: int
    created_at: datetime
    visibility: str
    template: int
    mentions: tuple[int, ...]
    tags: tuple[int, ...]
    comment_count: int = 0
    reaction_counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Plan:
    size: Size
    seed: int
    end: datetime
    people: list[Person]
    follows: list[tuple[int, int]]  # (follower, followed) person indexes
    tags: list[str]
    tag_follows: list[tuple[int, int]]  # (person, tag)
    templates: list[tuple[str, int, int]]  # (body with slots, mention slots, tag slots)
    posts: list[PostRow]
    comments: list[tuple[int, int, int, datetime, str]]  # (id, post index, author, created_at, body)
    reactions: list[tuple[int, int, str, datetime]]  # (post index, person, emoji, created_at)
    home: dict[int, list[int]]  # owner person index -> post indexes, newest first, capped
    follower_counts: Counter[int] = field(default_factory=Counter)

    def body(self, post: PostRow) -> str:
        text = self.templates[post.template][0]
        for slot, person in enumerate(post.mentions):
            text = text.replace(MENTION_SLOT.format(slot), self.people[person].handle)
        for slot, tag in enumerate(post.tags):
            text = text.replace(TAG_SLOT.format(slot), self.tags[tag])
        return text

    def followers_of(self, person: int) -> list[int]:
        return sorted(f for f, g in self.follows if g == person)


def _weighted(rng: random.Random, mix: Sequence[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in mix], weights=[w for _, w in mix])[0]


def _cumulative(n: int, exponent: float) -> list[float]:
    return list(itertools.accumulate((i + 1) ** -exponent for i in range(n)))


def time_id(rng: random.Random, at: datetime, taken: set[int]) -> int:
    """A time-ordered id (``essaim.core.ids`` layout) for ``at``, drawn from ``rng``, never reused."""
    while True:
        identifier = id_floor(at) | rng.getrandbits(SEQUENCE_BITS)
        if identifier not in taken:
            taken.add(identifier)
            return identifier


def _people(rng: random.Random, n: int) -> list[Person]:
    from faker import Faker

    from essaim.accounts.models import handle_from_name

    fake = Faker("fr_FR")
    fake.seed_instance(rng.getrandbits(32))
    seen: set[str] = set()
    people = []
    for _ in range(n):
        first, last = fake.first_name(), fake.last_name()
        base = handle_from_name(first, last, "x@x")[:34]
        handle, k = base, 1
        while handle in seen:
            k += 1
            handle = f"{base}{k}"
        seen.add(handle)
        people.append(Person(first, last, handle, f"{handle}@bench.essaim.test"))
    return people


def _follows(rng: random.Random, size: Size) -> list[tuple[int, int]]:
    n = size.people
    cumulative = _cumulative(n, POPULARITY_EXPONENT)
    population = range(n)
    follows = []
    for follower in range(n):
        if size.power_law_out_degree:
            k = int(min(n - 1, max(5, rng.lognormvariate(math.log(size.follows_mean) - 0.5, 1.0))))
        else:
            k = min(size.follows_mean, n - 1)
        chosen: dict[int, None] = {}
        while len(chosen) < k:
            for followed in rng.choices(population, cum_weights=cumulative, k=k - len(chosen) + 8):
                if followed != follower:
                    chosen.setdefault(followed)
                    if len(chosen) == k:
                        break
            if len(chosen) < k and rng.random() < 0.5:  # the heavy head is saturated: fill uniformly
                for followed in rng.sample(population, min(n, 2 * k)):
                    if followed != follower and len(chosen) < k:
                        chosen.setdefault(followed)
        follows.extend((follower, followed) for followed in chosen)
    return follows


def _templates(rng: random.Random) -> list[tuple[str, int, int]]:
    templates = []
    for _ in range(TEMPLATES):
        words = rng.choices(WORDS, k=rng.randint(8, 40))
        mentions = rng.choices((0, 1, 2), weights=(0.6, 0.3, 0.1))[0]
        tags = rng.choices((0, 1, 2), weights=(0.5, 0.35, 0.15))[0]
        for slot in range(mentions):
            words.insert(rng.randint(0, len(words)), "@" + MENTION_SLOT.format(slot))
        for slot in range(tags):
            words.insert(rng.randint(0, len(words)), "#" + TAG_SLOT.format(slot))
        sentence = " ".join(words)
        templates.append((sentence[0].upper() + sentence[1:] + ".", mentions, tags))
    return templates


def make_plan(size: Size, *, seed: int = SEED, end: datetime | None = None) -> Plan:
    """Everything the dataset holds, decided by ``seed`` alone (and ``end``, today at 00:00 UTC)."""
    rng = random.Random(seed)
    end = end or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = end - timedelta(days=size.days)
    span = (end - start).total_seconds()
    n = size.people
    people = _people(rng, n)
    follows = _follows(rng, size)
    follower_counts = Counter(followed for _, followed in follows)
    tags = [f"{rng.choice(TAG_WORDS)}{i}" for i in range(size.tags)]
    tag_cumulative = _cumulative(size.tags, 1.0)
    tag_follows = sorted(
        {
            (p, t)
            for p in range(n)
            if rng.random() < 0.3
            for t in rng.choices(range(size.tags), cum_weights=tag_cumulative, k=2)
        }
    )
    templates = _templates(rng)

    # Posts: authors by a power law of activity, times uniform over the period.
    activity = list(range(n))
    rng.shuffle(activity)
    activity_cumulative = _cumulative(n, ACTIVITY_EXPONENT)
    taken: set[int] = set()
    posts = []
    for _ in range(size.posts):
        author = activity[rng.choices(range(n), cum_weights=activity_cumulative)[0]]
        template = rng.randrange(TEMPLATES)
        _, mention_slots, tag_slots = templates[template]
        mentions: list[int] = []
        while len(mentions) < mention_slots:
            person = rng.randrange(n)
            if person != author and person not in mentions:
                mentions.append(person)
        tag_ids = tuple(dict.fromkeys(rng.choices(range(size.tags), cum_weights=tag_cumulative, k=tag_slots)))
        tag_ids = tag_ids + tuple(t for t in range(size.tags) if t not in tag_ids)[: tag_slots - len(tag_ids)]
        visibility = _weighted(rng, VISIBILITY_MIX)
        if visibility == "mentioned" and not mentions:
            visibility = "followers"
        created = start + timedelta(seconds=rng.random() * span)
        posts.append(
            PostRow(time_id(rng, created, taken), author, created, visibility, template, tuple(mentions), tag_ids)
        )
    posts.sort(key=lambda p: p.id)

    # Comments and reactions go to the posts everyone can see, half of them to popular authors' posts.
    public = [i for i, p in enumerate(posts) if p.visibility == "company"]
    popular_weights = list(itertools.accumulate(1 + follower_counts[posts[i].author] for i in public))

    def pick_post() -> int:
        if rng.random() < 0.5:
            return rng.choice(public)
        return public[rng.choices(range(len(public)), cum_weights=popular_weights)[0]]

    def after(post: PostRow) -> datetime:
        return min(end - timedelta(seconds=1), post.created_at + timedelta(seconds=rng.expovariate(1 / 21_600)))

    comment_texts = [" ".join(rng.choices(WORDS, k=rng.randint(3, 25))).capitalize() + "." for _ in range(TEMPLATES)]
    comments = []
    for _ in range(size.comments):
        index = pick_post()
        created = after(posts[index])
        body = rng.choice(comment_texts)
        comments.append((time_id(rng, created, taken), index, rng.randrange(n), created, body))
        posts[index].comment_count += 1
    comments.sort()

    reactions = []
    reacted: set[tuple[int, int]] = set()
    while len(reactions) < size.reactions:
        index, person = pick_post(), rng.randrange(n)
        if (index, person) in reacted:
            continue
        reacted.add((index, person))
        emoji = _weighted(rng, EMOJI_MIX)
        reactions.append((index, person, emoji, after(posts[index])))
        counts = posts[index].reaction_counts
        counts[emoji] = counts.get(emoji, 0) + 1

    plan = Plan(size, seed, end, people, follows, tags, tag_follows, templates, posts, comments, reactions, {})
    plan.follower_counts = follower_counts
    plan.home = home_timelines(plan)
    return plan


def home_timelines(plan: Plan, *, cap: int | None = None) -> dict[int, list[int]]:
    """Each person's materialised timeline, newest post first, with the stream's delivery rules."""
    from essaim.stream.timelines import HOME_TIMELINE_CAP

    cap = cap or HOME_TIMELINE_CAP
    followers: dict[int, list[int]] = {}
    for follower, followed in plan.follows:
        followers.setdefault(followed, []).append(follower)
    tag_followers: dict[int, list[int]] = {}
    for person, tag in plan.tag_follows:
        tag_followers.setdefault(tag, []).append(person)
    home: dict[int, list[int]] = {}
    for index in range(len(plan.posts) - 1, -1, -1):  # newest first, so the cap keeps the newest
        post = plan.posts[index]
        owners = {post.author, *post.mentions}
        if post.visibility in {"company", "followers"}:
            owners.update(followers.get(post.author, ()))
        if post.visibility == "company":
            for tag in post.tags:
                owners.update(tag_followers.get(tag, ()))
        for owner in owners:
            timeline = home.setdefault(owner, [])
            if len(timeline) < cap:
                timeline.append(index)
    return home


# --- writing ------------------------------------------------------------------------------


def _rendered_templates(plan: Plan) -> list[str]:
    """Each template rendered once by the stream's own ``render_body``; slots are filled afterwards."""
    from types import SimpleNamespace

    from essaim.stream.services import render_body

    rendered = []
    for text, mention_slots, _tags in plan.templates:
        placeholders = [SimpleNamespace(handle=MENTION_SLOT.format(slot)) for slot in range(mention_slots)]
        rendered.append(render_body(text, mentioned=placeholders))  # type: ignore[arg-type]
    return rendered


def post_html(plan: Plan, rendered: list[str], post: PostRow) -> str:
    html = rendered[post.template]
    for slot, person in enumerate(post.mentions):
        html = html.replace(MENTION_SLOT.format(slot), plan.people[person].handle)
    for slot, tag in enumerate(post.tags):
        html = html.replace(TAG_SLOT.format(slot), plan.tags[tag])
    return html


class Writer:
    """Bulk rows into one model's table: ``COPY`` on PostgreSQL, ``executemany`` elsewhere.

    Columns the caller does not give take the field's default, so a column added later with a
    default does not break the generator.
    """

    BATCH = 50_000

    def __init__(self, model: Any, fields: Sequence[str]) -> None:
        from django.db import connection

        self.connection = connection
        opts = model._meta
        given = [opts.get_field(name) for name in fields]
        rest = [
            f
            for f in opts.concrete_fields
            if f.column and f not in given and not (f.primary_key and f.get_internal_type().endswith("AutoField"))
        ]
        self.table = opts.db_table
        self.columns = [f.column for f in given] + [f.column for f in rest]
        self.converters: list[Callable[[Any], Any] | None] = [self._converter(f) for f in given]
        self.tail = tuple(self._prepare(f, f.get_default()) for f in rest)

    def _converter(self, model_field: Any) -> Callable[[Any], Any] | None:
        kind = model_field.get_internal_type()
        if kind == "DateTimeField":
            return self.connection.ops.adapt_datetimefield_value  # type: ignore[no-any-return]
        if kind == "JSONField":
            return lambda value: json.dumps(value, ensure_ascii=False)
        return None

    def _prepare(self, model_field: Any, value: Any) -> Any:
        converter = self._converter(model_field)
        return converter(value) if converter and value is not None else value

    def _rows(self, rows: Iterable[Sequence[Any]]) -> Iterable[tuple[Any, ...]]:
        converters = self.converters
        tail = self.tail
        if not any(converters):
            for row in rows:
                yield (*row, *tail)
            return
        for row in rows:
            yield (*(c(v) if c and v is not None else v for c, v in zip(converters, row, strict=True)), *tail)

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(c) for c in self.columns)
        count = 0
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(self.table)} ({columns}) FROM STDIN") as copy:
                    for row in self._rows(rows):
                        copy.write_row(row)
                        count += 1
                return count
            sql = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({', '.join(['%s'] * len(self.columns))})"  # noqa: S608 - table and column names from the model
            iterator = iter(self._rows(rows))
            while batch := list(itertools.islice(iterator, self.BATCH)):
                cursor.executemany(sql, batch)
                count += len(batch)
        return count


def load_plan(plan: Plan, *, log: Callable[[str], None] = print) -> dict[str, int]:
    """Write ``plan`` into the (freshly migrated, empty) default database in one transaction."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from essaim.accounts.models import User
    from essaim.core.text import fold
    from essaim.people.models import Follow, Profile
    from essaim.stream.models import Comment, HomeEntry, Mention, Post, PostTag, Reaction, Tag, TagFollow

    counts: dict[str, int] = {}
    end = plan.end
    joined = end - timedelta(days=plan.size.days + 30)
    with transaction.atomic():
        password = make_password(PASSWORD)
        user_fields = ["email", "handle", "first_name", "last_name", "password", "date_joined", "is_network_admin"]
        counts["people"] = Writer(User, user_fields).write(
            (p.email, p.handle, p.first_name, p.last_name, password, joined, i == 0) for i, p in enumerate(plan.people)
        )
        user_ids = dict(User.objects.values_list("handle", "pk"))
        uid = [user_ids[p.handle] for p in plan.people]
        Writer(Profile, ["user", "search_key", "sort_key", "created_at", "updated_at"]).write(
            (
                uid[i],
                fold(f"{p.first_name} {p.last_name} {p.handle}"),
                fold(f"{p.last_name} {p.first_name}"),
                joined,
                joined,
            )
            for i, p in enumerate(plan.people)
        )
        counts["follows"] = Writer(Follow, ["follower", "followed", "created_at"]).write(
            (uid[a], uid[b], joined) for a, b in plan.follows
        )
        log(f"  people and follows: {counts['people']:,} / {counts['follows']:,}")

        counts["tags"] = Writer(Tag, ["name", "folded", "created_at"]).write((t, fold(t), joined) for t in plan.tags)
        tag_ids = dict(Tag.objects.values_list("folded", "pk"))
        tid = [tag_ids[fold(t)] for t in plan.tags]
        Writer(TagFollow, ["user", "tag", "created_at"]).write((uid[p], tid[t], joined) for p, t in plan.tag_follows)

        rendered = _rendered_templates(plan)
        counts["posts"] = Writer(
            Post, ["id", "author", "body", "body_html", "visibility", "created_at", "comment_count", "reaction_counts"]
        ).write(
            (
                p.id,
                uid[p.author],
                plan.body(p),
                post_html(plan, rendered, p),
                p.visibility,
                p.created_at,
                p.comment_count,
                p.reaction_counts,
            )
            for p in plan.posts
        )
        Writer(Mention, ["post", "user"]).write((p.id, uid[m]) for p in plan.posts for m in p.mentions)
        Writer(PostTag, ["post", "tag"]).write((p.id, tid[t]) for p in plan.posts for t in p.tags)
        log(f"  posts: {counts['posts']:,}")

        comment_html = {}
        from essaim.stream.services import render_body

        counts["comments"] = Writer(Comment, ["id", "post", "author", "body", "body_html", "created_at"]).write(
            (
                cid,
                plan.posts[index].id,
                uid[author],
                body,
                comment_html.get(body) or comment_html.setdefault(body, render_body(body, mentioned=[])),
                created,
            )
            for cid, index, author, created, body in plan.comments
        )
        counts["reactions"] = Writer(Reaction, ["post", "user", "emoji", "created_at"]).write(
            (plan.posts[index].id, uid[person], emoji, created) for index, person, emoji, created in plan.reactions
        )
        log(f"  comments and reactions: {counts['comments']:,} / {counts['reactions']:,}")

        counts["home_entries"] = Writer(HomeEntry, ["owner", "post"]).write(
            (uid[owner], plan.posts[index].id) for owner in sorted(plan.home) for index in reversed(plan.home[owner])
        )
        log(f"  home entries: {counts['home_entries']:,}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts


def code_fingerprint() -> str:
    """Changes when this generator changes, so a stale dataset is never reused."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
