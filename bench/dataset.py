"""A reproducible benchmark dataset: people, follows, spaces, posts, comments, reactions, home timelines.

``make_plan(size, seed)`` builds everything in memory from one ``random.Random(seed)`` (pure
Python, no database); ``load_plan(plan)`` writes it with the fastest path each database
offers, inside one transaction: ``executemany`` on SQLite, ``COPY`` on PostgreSQL. Nothing
that changes semantics is disabled: constraints, indexes and foreign keys stay on.

Spaces: a few all-company spaces everyone belongs to (as an automatic rule would make them),
ordinary spaces whose sizes follow a Zipf law (a few very large, most of a few dozen members),
a few sub-spaces, and many dormant spaces (1-5 members, no posts) so that the directory's
search has the size of a real company's. Most posts are written in one of the author's spaces.

Home timelines are materialised with the stream's own delivery rules
(``essaim.stream.timelines.audience``): outside spaces, the author, the people mentioned and the
author's followers for company and followers-only posts; in a space, its members, plus (only
when the space is public) the author's followers and the people mentioned. Followed tags are not
delivered: the home feed reads them. Each timeline keeps its newest ``HOME_TIMELINE_CAP`` posts,
as ``rebuild``/``trim`` do.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.kinds import post_kind, write_kind_rows
from essaim.core.ids import SEQUENCE_BITS, id_floor

# 2: spaces, memberships and posts in spaces; 3: notifications; 4: events; 5: and questions, polls; 6: idea boxes
DATASET_VERSION = 6
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
    # Spaces: ``spaces_active`` (the all-company ones included) get posts; the rest, up to
    # ``spaces_total``, are dormant. Ordinary active spaces have Zipf sizes: ``space_top`` of them
    # have ``space_max`` members and the median one ``space_median`` (never fewer than ``space_floor``).
    spaces_active: int = 0
    spaces_total: int = 0
    space_max: int = 0
    space_median: int = 0
    space_top: int = 1
    space_floor: int = 5
    events: int = 0  # posts of kind "event", with their answers (``event_rows``)


SIZES = {
    "toy": Size("toy", people=30, follows_mean=5, power_law_out_degree=False, posts=120, comments=200, reactions=300,
                spaces_active=8, spaces_total=20, space_max=15, space_median=6, space_top=1, space_floor=3, events=12),
    "S": Size("S", people=1_000, follows_mean=50, power_law_out_degree=False, posts=10_000, comments=20_000,
              reactions=50_000, spaces_active=20, spaces_total=2_000, space_max=500, space_median=20, space_top=2,
              events=200),
    "M": Size("M", people=10_000, follows_mean=100, power_law_out_degree=True, posts=200_000, comments=400_000,
              reactions=1_000_000, spaces_active=200, spaces_total=20_000, space_max=5_000, space_median=50,
              space_top=3, events=2_000),
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
# Spaces. Posts in spaces store the visibility the composer gives them (the space decides who reads).
SPACE_POST_SHARE = 0.6
SPACE_POST_VISIBILITY = "company"
COMPANY_SPACES = ("Toute l'entreprise", "Actualités de l'entreprise", "Entraide & questions")
COMPANY_SPACE_SHARE = 0.1  # of an author's space posts (more for the people in no other active space)
SPACE_VISIBILITY_MIX = (("public", 0.50), ("private", 0.35), ("secret", 0.15))
NARROWNESS = {"public": 0, "private": 1, "secret": 2}  # as essaim.spaces.services.spaces
SUBSPACE_SHARE = 0.05  # of the ordinary active spaces
ARCHIVED_SHARE = 0.05  # of the dormant spaces
DEPARTMENTS = [
    "Ventes", "Marketing", "Finance", "Ressources humaines", "Juridique", "Achats", "Logistique", "Production",
    "Qualité", "R&D", "Informatique", "Sécurité", "Communication", "Service client", "Direction générale",
    "Contrôle de gestion", "Comptabilité", "Paie", "Formation", "Innovation", "Data", "Design", "Support",
    "Exploitation", "Maintenance", "Relations sociales", "Immobilier", "Santé au travail",
]  # fmt: skip
PLACES = [
    "Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Lille", "Bordeaux", "Strasbourg", "Rennes", "Montpellier",
    "Grenoble", "Nice", "Dijon", "Besançon", "Orléans", "Reims", "Le Mans", "Angers", "Brest", "Nîmes",
    "Saint-Étienne", "Clermont-Ferrand", "Genève", "Lausanne", "Bruxelles", "Liège", "Montréal", "Québec",
    "Luxembourg", "Casablanca", "Dakar", "Abidjan", "Tunis", "Barcelone", "Milan", "Munich", "Londres", "Dublin",
    "Amsterdam", "Évry", "Nord", "Sud", "Est", "Ouest", "Île-de-France", "Outre-mer",
]  # fmt: skip
CODENAMES = [
    "Atlas", "Orion", "Hermès", "Zéphyr", "Phénix", "Pégase", "Andromède", "Cassiopée", "Mercure", "Vénus",
    "Saturne", "Jupiter", "Neptune", "Pluton", "Callisto", "Titan", "Rhéa", "Téthys", "Hélios", "Séléné", "Éole",
    "Borée", "Iris", "Artémis", "Apollon", "Athéna", "Héra", "Déméter", "Perséphone", "Arès", "Héphaïstos", "Éos",
    "Nyx", "Chronos", "Gaïa", "Prométhée", "Icare", "Dédale", "Ariane", "Thésée", "Ulysse", "Pénélope", "Achille",
    "Hector", "Énée", "Castor", "Pollux", "Véga", "Altaïr", "Deneb", "Sirius", "Rigel", "Bételgeuse", "Aldébaran",
    "Antarès", "Polaris", "Capella", "Arcturus", "Procyon", "Mistral", "Sirocco", "Tramontane", "Alizé", "Noroît",
    "Cèdre", "Érable", "Chêne", "Tilleul", "Séquoia", "Mélèze", "Églantine", "Lavande", "Boréal", "Quasar",
    "Nébuleuse", "Comète", "Horizon", "Odyssée", "Kepler", "Lumière",
]  # fmt: skip
HOBBIES = [
    "vélo", "course à pied", "randonnée", "photo", "lecture", "échecs", "cuisine", "jardinage", "yoga", "escalade",
    "football", "basket", "tennis", "badminton", "musique", "chorale", "théâtre", "cinéma", "jeux de société",
    "voile", "ski", "natation", "couture", "bricolage", "œnologie", "pâtisserie", "danse", "peinture",
    "astronomie", "poterie",
]  # fmt: skip
TOPICS = [
    "accessibilité", "écoconception", "télétravail", "bien-être", "diversité", "parentalité", "handicap",
    "développement durable", "mobilité douce", "intelligence artificielle", "cybersécurité", "qualité de vie",
    "sobriété numérique", "mentorat", "onboarding", "management", "relation client", "RGPD", "open source",
    "data science", "cloud", "DevOps", "design system", "UX", "agilité", "lean", "RSE", "éthique",
    "veille technologique", "égalité femmes-hommes",
]  # fmt: skip
QUALIFIERS = ["2025", "2026", "phase 2", "pilote", "V2", "international", "France", "Europe", "Nord", "Sud"]
NAME_PATTERNS = (
    ("Équipe {dept} {place}", 3.0),
    ("{dept} – {place}", 2.0),
    ("Projet {code}", 1.0),
    ("Projet {code} {qual}", 1.0),
    ("Projet {code} – {place}", 3.0),
    ("{code} – {dept} {place}", 4.0),
    ("Club {hobby} {place}", 2.0),
    ("Communauté {topic}", 0.5),
    ("Comité {topic} {place}", 1.5),
    ("Groupe de travail {topic} – {dept}", 1.5),
    ("{topic} – {dept} {place}", 2.0),
    ("Task force {code} {qual}", 0.5),
    ("Afterwork {place}", 0.3),
)  # fmt: skip
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
class SpaceRow:
    name: str
    slug: str
    visibility: str
    created_at: datetime
    members: list[int]  # person indexes, the owner first
    roles: dict[int, str]  # the members who are not plain members: one owner, admins, moderators
    parent: int | None = None  # plan index of the parent space (one level, as the app allows)
    company: bool = False  # everyone is a member, through an automatic rule for every department
    archived: bool = False
    include_subspace_posts: bool = False
    description: str = ""

    def joined_at(self, position: int, before: datetime) -> datetime:
        """When the ``position``-th member joined: spread between the space's creation and ``before``."""
        span = max(1, int((before - self.created_at).total_seconds()))
        return self.created_at + timedelta(seconds=(position * 7_919 + 1) % span)


@dataclass
class PostRow:
    id: int
    author: int
    created_at: datetime
    visibility: str
    template: int
    mentions: tuple[int, ...]
    tags: tuple[int, ...]
    space: int | None = None  # plan index of its space
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
    spaces: list[SpaceRow] = field(default_factory=list)  # the active ones first (posts go there), then dormant

    @property
    def active_spaces(self) -> list[SpaceRow]:
        return self.spaces[: self.size.spaces_active]

    @property
    def membership_count(self) -> int:
        return sum(len(space.members) for space in self.spaces)

    def body(self, post: PostRow) -> str:
        text = self.templates[post.template][0]
        for slot, person in enumerate(post.mentions):
            text = text.replace(MENTION_SLOT.format(slot), self.people[person].handle)
        for slot, tag in enumerate(post.tags):
            text = text.replace(TAG_SLOT.format(slot), self.tags[tag])
        return text


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
    follows: list[tuple[int, int]] = []
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


def space_sizes(size: Size) -> list[int]:
    """Members of the ordinary active spaces by rank: Zipf, ``size(r) = min(max, round(K * r ** -a))``.

    ``a`` and ``K`` are solved so that ranks 1 to ``space_top`` have ``space_max`` members and the
    median rank ``space_median``; no space is smaller than ``space_floor`` or larger than the company.
    """
    count = size.spaces_active - len(COMPANY_SPACES)
    if count <= 0:
        return []
    median_rank = (count + 1) / 2
    top = min(size.space_top, count)
    if median_rank <= top:
        return [min(size.space_max, size.people)] * count
    exponent = math.log(size.space_max / size.space_median) / math.log(median_rank / top)
    scale = size.space_max * top**exponent
    return [
        min(size.people, max(size.space_floor, min(size.space_max, round(scale * rank**-exponent))))
        for rank in range(1, count + 1)
    ]


def _space_names(rng: random.Random, count: int) -> list[str]:
    """``count`` realistic names, distinct once folded (the app refuses two names that fold alike)."""
    from essaim.core.text import fold

    names = list(COMPANY_SPACES[:count])
    seen = {fold(name) for name in names}
    patterns = [p for p, _ in NAME_PATTERNS]
    weights = list(itertools.accumulate(w for _, w in NAME_PATTERNS))
    while len(names) < count:
        pattern = rng.choices(patterns, cum_weights=weights)[0]
        name = pattern.format(
            dept=rng.choice(DEPARTMENTS),
            place=rng.choice(PLACES),
            code=rng.choice(CODENAMES),
            hobby=rng.choice(HOBBIES),
            topic=rng.choice(TOPICS),
            qual=rng.choice(QUALIFIERS),
        )
        name = name[0].upper() + name[1:]
        if fold(name) in seen:  # "Club vélo Lyon" exists: this one is "Club vélo Lyon 2026" or the like
            name = f"{name} {rng.choice(QUALIFIERS)}"
            if fold(name) in seen:
                continue
        seen.add(fold(name))
        names.append(name)
    return names


def space_slug(name: str, taken: set[str]) -> str:
    """The address ``essaim.spaces.services.spaces`` gives a new space with this name (``taken``: the earlier ones)."""
    from django.utils.text import slugify

    from essaim.core.text import fold
    from essaim.spaces.services.spaces import RESERVED_SLUGS

    base = slugify(fold(name))[:120].strip("-") or "space"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _exact_mix(rng: random.Random, count: int, mix: Sequence[tuple[str, float]]) -> list[str]:
    """``count`` values in the proportions of ``mix`` (rounded; the last takes the rest), shuffled."""
    values: list[str] = []
    for value, weight in mix[:-1]:
        values += [value] * round(weight * count)
    values = values[:count] + [mix[-1][0]] * max(0, count - len(values))
    rng.shuffle(values)
    return values


def _roles(members: Sequence[int]) -> dict[int, str]:
    """One owner (the first member), then one or two admins and up to two moderators, by size."""
    admins = 1 if len(members) < 20 else 2
    moderators = 0 if len(members) < 10 else 1 if len(members) < 100 else 2
    roles = {members[0]: "owner"}
    for person in members[1 : 1 + admins]:
        roles[person] = "admin"
    for person in members[1 + admins : 1 + admins + moderators]:
        roles[person] = "moderator"
    return roles


def _spaces(rng: random.Random, size: Size, start: datetime) -> list[SpaceRow]:
    """All-company spaces, Zipf-sized ordinary spaces (a few of them sub-spaces), then dormant ones."""
    if not size.spaces_total:
        return []
    n = size.people
    names = _space_names(rng, size.spaces_total)
    taken: set[str] = set()
    earliest = start - timedelta(days=720)

    def created() -> datetime:
        return earliest + timedelta(seconds=rng.random() * (start - earliest).total_seconds() * 0.9)

    spaces = []
    for i, name in enumerate(names[: len(COMPANY_SPACES)]):
        members = list(range(n))
        owner = 0 if i == 0 else rng.randrange(n)  # the CEO owns the first one
        members.remove(owner)
        rng.shuffle(members)
        members.insert(0, owner)
        spaces.append(
            SpaceRow(name, space_slug(name, taken), "public", created(), members, _roles(members), company=True)
        )
    sizes = space_sizes(size)
    ordinary = len(spaces)
    visibilities = _exact_mix(rng, len(sizes), SPACE_VISIBILITY_MIX)
    for name, members_count, visibility in zip(
        names[ordinary : ordinary + len(sizes)], sizes, visibilities, strict=True
    ):
        members = rng.sample(range(n), members_count)
        spaces.append(SpaceRow(name, space_slug(name, taken), visibility, created(), members, _roles(members)))
    _make_subspaces(rng, spaces, first=ordinary, top=size.space_top)
    for space in spaces[len(COMPANY_SPACES) :]:
        space.description = f"L'espace de « {space.name} » : nouvelles, questions et documents."
    for name in names[len(spaces) :]:
        members = rng.sample(range(n), rng.randint(1, 5))
        visibility = _weighted(rng, SPACE_VISIBILITY_MIX)
        archived = rng.random() < ARCHIVED_SHARE
        spaces.append(
            SpaceRow(name, space_slug(name, taken), visibility, created(), members, _roles(members), archived=archived)
        )
    return spaces


def _make_subspaces(rng: random.Random, spaces: list[SpaceRow], *, first: int, top: int) -> None:
    """Turn a few ordinary spaces into sub-spaces of larger ones: members drawn from the parent's,
    visibility never wider than the parent's (as the services enforce), one level only."""
    candidates = list(range(first + top, len(spaces)))
    if len(candidates) < 2:
        return
    count = max(1, round(SUBSPACE_SHARE * (len(spaces) - first)))
    children = sorted(rng.sample(candidates[1:], min(count, len(candidates) - 1)))
    for child_index in children:
        parents = [i for i in range(first, child_index) if spaces[i].parent is None and i not in children]
        parent_index = rng.choice(parents)
        parent, child = spaces[parent_index], spaces[child_index]
        child.parent = parent_index
        if NARROWNESS[child.visibility] < NARROWNESS[parent.visibility]:
            child.visibility = parent.visibility
        child.members = rng.sample(parent.members, min(len(child.members), len(parent.members)))
        child.roles = _roles(child.members)
        child.created_at = max(child.created_at, parent.created_at + timedelta(days=1))
        parent.include_subspace_posts = parent.include_subspace_posts or rng.random() < 0.5


class _SpacePicker:
    """Which of an author's active spaces a post goes to: an all-company space ``COMPANY_SPACE_SHARE`` of
    the time (or when the author is in no other space), else one of the author's other spaces. Built once
    (person -> their spaces), so picking costs no scan of the memberships."""

    def __init__(self, active: Sequence[SpaceRow], people: int) -> None:
        self.company = [index for index, space in enumerate(active) if space.company]
        self.spaces: list[list[int]] = [[] for _ in range(people)]
        for index, space in enumerate(active):
            if not space.company:
                for person in space.members:
                    self.spaces[person].append(index)

    def pick(self, rng: random.Random, person: int) -> int | None:
        mine = self.spaces[person]
        if self.company and (not mine or rng.random() < COMPANY_SPACE_SHARE):
            return rng.choice(self.company)
        return rng.choice(mine) if mine else None


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
    spaces = _spaces(rng, size, start)
    space_picker = _SpacePicker(spaces[: size.spaces_active], n)

    # Posts: authors by a power law of activity, times uniform over the period; most in one of the author's spaces.
    activity = list(range(n))
    rng.shuffle(activity)
    activity_cumulative = _cumulative(n, ACTIVITY_EXPONENT)
    taken: set[int] = set()
    posts = []
    for _ in range(size.posts):
        author = activity[rng.choices(range(n), cum_weights=activity_cumulative)[0]]
        space = space_picker.pick(rng, author) if rng.random() < SPACE_POST_SHARE else None
        template = rng.randrange(TEMPLATES)
        _, mention_slots, tag_slots = templates[template]
        # In a space, people mention its members (in the tiny ones, anybody).
        pool = spaces[space].members if space is not None and len(spaces[space].members) > 3 else range(n)
        mentions: list[int] = []
        while len(mentions) < mention_slots:
            person = rng.choice(pool)
            if person != author and person not in mentions:
                mentions.append(person)
        tag_ids = tuple(dict.fromkeys(rng.choices(range(size.tags), cum_weights=tag_cumulative, k=tag_slots)))
        tag_ids = tag_ids + tuple(t for t in range(size.tags) if t not in tag_ids)[: tag_slots - len(tag_ids)]
        visibility = _weighted(rng, VISIBILITY_MIX) if space is None else SPACE_POST_VISIBILITY
        if visibility == "mentioned" and not mentions:
            visibility = "followers"
        created = start + timedelta(seconds=rng.random() * span)
        posts.append(
            PostRow(
                time_id(rng, created, taken), author, created, visibility, template, tuple(mentions), tag_ids, space
            )
        )
    posts.sort(key=lambda p: p.id)

    # Comments and reactions go to the posts their writers may comment on and react to: outside spaces, the
    # company posts (anyone); in a space, its members. Half of them go to popular authors' posts.
    public = [i for i, p in enumerate(posts) if p.visibility == "company"]
    popular_weights = list(itertools.accumulate(1 + follower_counts[posts[i].author] for i in public))

    def pick_post() -> int:
        if rng.random() < 0.5:
            return rng.choice(public)
        return public[rng.choices(range(len(public)), cum_weights=popular_weights)[0]]

    def pick_person(post: PostRow) -> int:
        return rng.randrange(n) if post.space is None else rng.choice(spaces[post.space].members)

    def after(post: PostRow) -> datetime:
        return min(end - timedelta(seconds=1), post.created_at + timedelta(seconds=rng.expovariate(1 / 21_600)))

    comment_texts = [" ".join(rng.choices(WORDS, k=rng.randint(3, 25))).capitalize() + "." for _ in range(TEMPLATES)]
    comments = []
    for _ in range(size.comments):
        index = pick_post()
        created = after(posts[index])
        body = rng.choice(comment_texts)
        comments.append((time_id(rng, created, taken), index, pick_person(posts[index]), created, body))
        posts[index].comment_count += 1
    comments.sort()

    reactions: list[tuple[int, int, str, datetime]] = []
    reacted: set[tuple[int, int]] = set()
    while len(reactions) < size.reactions:
        index = pick_post()
        person = pick_person(posts[index])
        if (index, person) in reacted:
            continue
        reacted.add((index, person))
        emoji = _weighted(rng, EMOJI_MIX)
        reactions.append((index, person, emoji, after(posts[index])))
        counts = posts[index].reaction_counts
        counts[emoji] = counts.get(emoji, 0) + 1

    plan = Plan(size, seed, end, people, follows, tags, tag_follows, templates, posts, comments, reactions, {})
    plan.follower_counts = follower_counts
    plan.spaces = spaces
    plan.home = home_timelines(plan)
    return plan


def home_timelines(plan: Plan, *, cap: int | None = None) -> dict[int, list[int]]:
    """Each person's materialised timeline, newest post first, with the stream's delivery rules.

    Posts are walked newest first, so a timeline that reaches ``cap`` is complete: its owner then leaves
    every audience group (an author's followers, a space's members) they are in, and
    later posts never look at them again. The work is proportional to the entries kept, not to the sum of
    the audiences (an all-company space's posts would otherwise visit everyone, every time).
    """
    from essaim.stream.timelines import HOME_TIMELINE_CAP

    cap = cap or HOME_TIMELINE_CAP
    groups = _OpenGroups(plan)
    home: dict[int, list[int]] = {}
    for index in range(len(plan.posts) - 1, -1, -1):  # newest first, so the cap keeps the newest
        for owner in groups.audience(plan.posts[index]):
            timeline = home.setdefault(owner, [])
            if len(timeline) < cap:
                timeline.append(index)
                if len(timeline) == cap:
                    groups.close(owner)
    return home


class _OpenGroups:
    """The audience groups of ``timelines.audience``, holding only the owners whose timeline is not full."""

    EMPTY: frozenset[int] = frozenset()

    def __init__(self, plan: Plan) -> None:
        self.followers: dict[int, set[int]] = {}
        for follower, followed in plan.follows:
            self.followers.setdefault(followed, set()).add(follower)
        self.members = [set(space.members) for space in plan.spaces]
        self.public = [space.visibility == "public" for space in plan.spaces]
        self.groups_of: dict[int, list[set[int]]] = {}
        for group in itertools.chain(self.followers.values(), self.members):
            for person in group:
                self.groups_of.setdefault(person, []).append(group)

    def audience(self, post: PostRow) -> set[int]:
        """The owners to deliver ``post`` to (the author and the mentioned people even when their timeline is full)."""
        owners = {post.author}
        if post.space is not None:  # members; the others only when the space is public
            owners.update(self.members[post.space])
            if not self.public[post.space]:
                return owners
            with_followers = True
        else:
            with_followers = post.visibility in {"company", "followers"}
        owners.update(post.mentions)
        if with_followers:
            owners.update(self.followers.get(post.author, self.EMPTY))
        return owners

    def close(self, owner: int) -> None:
        for group in self.groups_of.get(owner, ()):
            group.discard(owner)


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


def _write_spaces(plan: Plan, uid: list[int], counts: dict[str, int]) -> list[int]:
    """Spaces (parents before their sub-spaces: the ids come from the database), the all-company spaces'
    automatic rules and every membership. Returns each plan space's database id."""
    from essaim.core.text import fold
    from essaim.spaces.models import AutoMembershipRule, Membership, Space

    start = plan.end - timedelta(days=plan.size.days)
    fields = [
        "name", "slug", "description", "visibility", "parent", "archived_at", "search_key",
        "include_subspace_posts", "created_by", "created_at", "updated_at",
    ]  # fmt: skip
    writer = Writer(Space, fields)
    ids: dict[str, int] = {}

    def rows(level: list[SpaceRow]) -> Iterable[tuple[Any, ...]]:
        for space in level:
            parent = None if space.parent is None else ids[plan.spaces[space.parent].slug]
            archived = start - timedelta(days=7) if space.archived else None
            owner = uid[space.members[0]]
            yield (
                space.name, space.slug, space.description, space.visibility, parent, archived, fold(space.name),
                space.include_subspace_posts, owner, space.created_at, space.created_at,
            )  # fmt: skip

    counts["spaces"] = 0
    for level in ([s for s in plan.spaces if s.parent is None], [s for s in plan.spaces if s.parent is not None]):
        counts["spaces"] += writer.write(rows(level))
        ids.update(Space.objects.values_list("slug", "pk"))  # a fresh database: only the plan's spaces
    space_ids = [ids[space.slug] for space in plan.spaces]

    company = [i for i, space in enumerate(plan.spaces) if space.company]
    Writer(AutoMembershipRule, ["space", "created_by", "created_at"]).write(
        (space_ids[i], uid[plan.spaces[i].members[0]], plan.spaces[i].created_at) for i in company
    )
    rule_ids = dict(AutoMembershipRule.objects.values_list("space_id", "pk"))

    def memberships() -> Iterable[tuple[Any, ...]]:
        for index, space in enumerate(plan.spaces):
            rule = rule_ids.get(space_ids[index])
            for position, person in enumerate(space.members):
                role = space.roles.get(person, "member")
                yield (
                    space_ids[index],
                    uid[person],
                    role,
                    space.joined_at(position, start),
                    rule if role == "member" else None,
                )

    counts["memberships"] = Writer(Membership, ["space", "user", "role", "created_at", "added_by_rule"]).write(
        memberships()
    )
    return space_ids


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

        space_ids = _write_spaces(plan, uid, counts)
        log(f"  spaces and memberships: {counts['spaces']:,} / {counts['memberships']:,}")

        rendered = _rendered_templates(plan)
        events = event_rows(plan)
        kinds = dict.fromkeys(events.posts, "event")
        counts["posts"] = Writer(
            Post,
            [
                "id",
                "author",
                "space",
                "body",
                "body_html",
                "visibility",
                "created_at",
                "comment_count",
                "reaction_counts",
                "kind",
            ],
        ).write(
            (
                p.id,
                uid[p.author],
                None if p.space is None else space_ids[p.space],
                plan.body(p),
                post_html(plan, rendered, p),
                p.visibility,
                p.created_at,
                p.comment_count,
                p.reaction_counts,
                kinds.get(index) or post_kind(index),  # events; 5 % questions, 2 % polls (``bench/kinds.py``)
            )
            for index, p in enumerate(plan.posts)
        )
        Writer(Mention, ["post", "user"]).write((p.id, uid[m]) for p in plan.posts for m in p.mentions)
        Writer(PostTag, ["post", "tag"]).write((p.id, tid[t]) for p in plan.posts for t in p.tags)
        log(f"  posts: {counts['posts']:,}")
        counts["events"], counts["rsvps"] = _write_events(plan, events, uid, space_ids)
        log(f"  events and answers: {counts['events']:,} / {counts['rsvps']:,}")

        comment_html: dict[str, str] = {}
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
        counts |= write_kind_rows(plan, uid, Writer)
        log(f"  questions and polls: {counts['questions']:,} / {counts['polls']:,}")

        counts["home_entries"] = Writer(HomeEntry, ["owner", "post"]).write(
            (uid[owner], plan.posts[index].id) for owner in sorted(plan.home) for index in reversed(plan.home[owner])
        )
        log(f"  home entries: {counts['home_entries']:,}")
        counts["notifications"] = _write_notifications(plan, uid)
        log(f"  notifications: {counts['notifications']:,}")
        counts["idea_boxes"], counts["ideas"], counts["idea_votes"] = _write_ideas(plan, uid, space_ids, kinds)
        log(f"  idea boxes, ideas and votes: {counts['idea_boxes']:,} / {counts['ideas']:,} / {counts['idea_votes']:,}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts


@dataclass
class EventPlan:
    """The events of a dataset: ``posts`` (post indexes, which become posts of kind "event"), each event's
    row values by post index, and the answers as (post index, person index, answer, answered_at)."""

    posts: list[int]
    rows: dict[int, tuple[Any, ...]]
    rsvps: list[tuple[int, int, str, datetime]]


EVENT_TITLES = ["Atelier", "Réunion d'équipe", "Afterwork", "Webinaire", "Formation", "Séminaire", "Café des nouveaux",
                "Point d'étape", "Hackathon", "Conférence"]  # fmt: skip
EVENT_ANSWERS = (("going", 0.6), ("maybe", 0.25), ("not_going", 0.15))


def event_rows(plan: Plan) -> EventPlan:
    """``plan.size.events`` of the posts become events (their own random stream: the rest of the plan does not
    move): start between a day and five weeks after the post, an hour to a day long (a tenth all day), a third
    with places; answers from the space's members (anyone for a post outside spaces), a long-tailed number of
    them, going beyond the places waiting in line, the counters matching."""
    rng = random.Random(plan.seed + 30)
    plain = [index for index in range(len(plan.posts)) if post_kind(index) == "post"]  # not a question or a poll
    count = min(plan.size.events, len(plain))
    chosen = sorted(rng.sample(plain, count))
    rows: dict[int, tuple[Any, ...]] = {}
    rsvps: list[tuple[int, int, str, datetime]] = []
    for index in chosen:
        post = plan.posts[index]
        all_day = rng.random() < 0.1
        start = post.created_at + timedelta(days=rng.randint(1, 35))
        start = start.replace(hour=rng.choice((9, 10, 14, 17)), minute=0, second=0, microsecond=0)
        end = start + (timedelta(days=1) if all_day else timedelta(hours=rng.choice((1, 2, 3, 8))))
        capacity = rng.choice((10, 20, 50)) if rng.random() < 0.33 else None
        pool = plan.spaces[post.space].members if post.space is not None else range(len(plan.people))
        answering = rng.sample(pool, min(len(pool), 300, int(rng.paretovariate(1.1) * 4)))
        counted = {"going": 0, "maybe": 0, "waiting": 0}
        for n, person in enumerate(answering):
            answer = _weighted(rng, EVENT_ANSWERS)
            if answer == "going" and capacity is not None and counted["going"] >= capacity:
                answer = "waiting"
            counted[answer] = counted.get(answer, 0) + 1
            rsvps.append((index, person, answer, post.created_at + timedelta(minutes=10 * (n + 1))))
        title = f"{rng.choice(EVENT_TITLES)} {rng.choice(TOPICS)}"
        place = rng.choice(PLACES) if rng.random() < 0.7 else ""
        video = "" if place and rng.random() < 0.5 else f"https://visio.example.com/{post.id}"
        rows[index] = (title, start, end, all_day, place, video, capacity, counted["going"], counted["maybe"],
                       counted["waiting"])  # fmt: skip
    return EventPlan(chosen, rows, rsvps)


def _write_events(plan: Plan, events: EventPlan, uid: list[int], space_ids: list[int]) -> tuple[int, int]:
    from essaim.calendar.models import Event, Rsvp

    fields = ["post", "space", "title", "starts_at", "ends_at", "all_day", "place", "video_url", "capacity",
              "going_count", "maybe_count", "waiting_count", "time_zone"]  # fmt: skip
    written = Writer(Event, fields).write(
        (
            plan.posts[index].id,
            None if plan.posts[index].space is None else space_ids[plan.posts[index].space],
            *events.rows[index],
            "Europe/Paris",
        )
        for index in events.posts
    )
    answers = Writer(Rsvp, ["event", "user", "answer", "answered_at"]).write(
        (plan.posts[index].id, uid[person], answer, at) for index, person, answer, at in events.rsvps
    )
    return written, answers


IDEA_BOXES = 50
IDEAS_PER_BOX = 40  # at most: the space's newest posts become its ideas
IDEA_STATUSES = (("new", 0.5), ("under_review", 0.2), ("planned", 0.15), ("done", 0.1), ("declined", 0.05))


def _write_ideas(plan: Plan, uid: list[int], space_ids: list[int], events: dict[int, str]) -> tuple[int, int, int]:
    """Idea boxes (issue 20): the first ``IDEA_BOXES`` spaces that are neither archived nor company-wide (the
    active ones first: those have posts) open a box; up to ``IDEAS_PER_BOX`` of each one's newest posts become
    its ideas, with a status and votes from its members (a power law: a few ideas gather most votes)."""
    from essaim.ideas.models import Idea, IdeaBox, IdeaVote
    from essaim.stream.models import Post

    rng = random.Random(plan.seed + 20)
    boxes = [i for i, space in enumerate(plan.spaces) if not space.archived and not space.company][:IDEA_BOXES]
    by_space: dict[int, list[PostRow]] = defaultdict(list)
    for index, post in enumerate(plan.posts):  # plain posts only: not an event, a question or a poll
        if post.space is not None and index not in events and post_kind(index) == "post":
            by_space[post.space].append(post)
    ideas: list[tuple[int, int, PostRow]] = []  # (space index, rank, post)
    for index in boxes:
        newest = sorted(by_space.get(index, []), key=lambda p: -p.id)[:IDEAS_PER_BOX]
        ideas += [(index, rank, post) for rank, post in enumerate(newest)]
    Writer(IdeaBox, ["space", "enabled_at"]).write((space_ids[i], plan.spaces[i].created_at) for i in boxes)
    votes: list[tuple[int, int, datetime]] = []
    idea_rows: list[tuple[Any, ...]] = []
    for index, rank, post in ideas:
        members = plan.spaces[index].members
        count = min(len(members), int(200 / (rank + 1) ** 0.8 * rng.random()))
        voters = rng.sample(members, count)
        votes += [(post.id, uid[v], post.created_at + timedelta(hours=rng.randint(1, 24 * 14))) for v in voters]
        status = _weighted(rng, IDEA_STATUSES)
        idea_rows.append((post.id, space_ids[index], status, len(voters)))
    Writer(Idea, ["post", "space", "status", "vote_count"]).write(idea_rows)
    Writer(IdeaVote, ["idea", "user", "created_at"]).write(votes)
    ids = [row[0] for row in idea_rows]
    for start in range(0, len(ids), 500):
        Post.objects.filter(pk__in=ids[start : start + 500]).update(kind="idea")
    return len(boxes), len(idea_rows), len(votes)


def notification_rows(plan: Plan) -> Iterable[tuple[Any, ...]]:
    """What the network told its people: each comment to its post's author, each mention to the person
    mentioned, each post's reactions to its author (grouped: the last reactor and how many others), each
    follow to the person followed. What is older than a week is read. As (id, recipient, kind, actor,
    others, post index, comment id, created_at, read_at), recipients and actors as person indexes."""
    week_ago = plan.end - timedelta(days=7)
    rng = random.Random(plan.seed + 18)
    taken: set[int] = set()

    def row(recipient: int, kind: str, actor: int, at: datetime, **about: Any) -> tuple[Any, ...]:
        read = at + timedelta(hours=rng.random() * 48) if at < week_ago else None
        return (
            time_id(rng, at, taken),
            recipient,
            kind,
            actor,
            about.get("others", 0),
            about.get("post"),
            about.get("comment"),
            at,
            read,
        )

    for cid, index, author, created, _body in plan.comments:
        if plan.posts[index].author != author:
            yield row(plan.posts[index].author, "comment", author, created, post=index, comment=cid)
    for index, post in enumerate(plan.posts):
        for mentioned in post.mentions:
            if mentioned != post.author:
                yield row(mentioned, "mention", post.author, post.created_at, post=index)
    latest: dict[int, tuple[int, datetime, int]] = {}  # post index -> (last reactor, when, how many)
    for index, person, _emoji, created in plan.reactions:
        if person != plan.posts[index].author:
            last, when, count = latest.get(index, (person, created, 0))
            latest[index] = (person, created, count + 1) if created >= when else (last, when, count + 1)
    for index, (person, created, count) in latest.items():
        yield row(plan.posts[index].author, "reaction", person, created, post=index, others=count - 1)
    start = plan.end - timedelta(days=plan.size.days)
    for follower, followed in plan.follows:
        yield row(followed, "follow", follower, start + (plan.end - start) * rng.random())


def _write_notifications(plan: Plan, uid: list[int]) -> int:
    from essaim.notifications.models import Notification

    fields = ["id", "recipient", "kind", "actor", "others", "post", "comment", "created_at", "read_at"]
    return Writer(Notification, fields).write(
        (
            nid,
            uid[recipient],
            kind,
            uid[actor],
            others,
            None if post is None else plan.posts[post].id,
            comment,
            at,
            read,
        )
        for nid, recipient, kind, actor, others, post, comment, at, read in notification_rows(plan)
    )


def code_fingerprint() -> str:
    """Changes when this generator changes, so a stale dataset is never reused."""
    sources = Path(__file__).read_bytes() + (Path(__file__).parent / "kinds.py").read_bytes()
    return hashlib.sha256(sources).hexdigest()[:12]
