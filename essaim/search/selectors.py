"""Search, as a reader may see it: results, counts, facets, snippets, suggestions and experts.

Every row comes from ``_documents``, which starts from ``access.visible`` on each row's post (a
comment and a file follow their post, as in ``access.rules.stream``): what a reader may not see is
never counted, faceted, quoted or suggested. People, spaces and tags are found by the directories'
own selectors (name prefixes, accents ignored), which ask ``access`` the same way.
"""

from __future__ import annotations

import base64
import binascii
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from typing import Any

from django.db.models import Count, Exists, FloatField, OuterRef, Q, QuerySet, Value
from django.utils import timezone
from django.utils.safestring import SafeString

from essaim import access
from essaim.access.roles import Actor
from essaim.accounts.models import User
from essaim.core.text import fold
from essaim.people.models import Profile, Skill
from essaim.search.backends import backend
from essaim.search.documents import file_text
from essaim.search.models import DocumentKind, SearchDocument
from essaim.search.query import FILE_KINDS, Query, parse
from essaim.search.snippets import Matcher, highlight
from essaim.spaces.models import Space
from essaim.stream.models import Attachment, Comment, Post, PostTag, Tag

PAGE_SIZE = 20
MAX_OFFSET = 1000
# The newest matches a results page is drawn from: its counts, its facets and its order by relevance.
# Below it everything is exact; past it the counts say "1,000+" and the most relevant of the newest
# matches come first. Reading them stops there (``backend().newest_first``): a word in a tenth of the
# posts cost four whole passes over its matches, each asking ``access`` about every one.
WINDOW = 1000
FACET_SIZE = 8
TABS = ("posts", "files", "people", "spaces", "tags")
SORTS = ("relevance", "date")
TEXT_KINDS = (DocumentKind.POST, DocumentKind.COMMENT)


@dataclass(frozen=True)
class Filters:
    """What the results page's filters add to the query's own operators."""

    author: str = ""
    space: str = ""
    tag: str = ""
    after: str = ""
    before: str = ""
    has_file: bool = False
    file_kind: str = ""

    def apply(self, query: Query) -> Query:
        extra = parse(
            " ".join(
                part
                for part in (
                    f"from:{self.author}" if self.author else "",
                    f"in:{self.space}" if self.space else "",
                    f"#{self.tag}" if self.tag else "",
                    f"after:{self.after}" if self.after else "",
                    f"before:{self.before}" if self.before else "",
                    "has:file" if self.has_file else "",
                    f"has:{self.file_kind}" if self.file_kind in FILE_KINDS else "",
                )
                if part
            )
            + " "
        )
        return replace(
            query,
            authors=tuple(dict.fromkeys(query.authors + extra.authors)),
            spaces=tuple(dict.fromkeys(query.spaces + extra.spaces)),
            tags=tuple(dict.fromkeys(query.tags + extra.tags)),
            has_file=query.has_file or extra.has_file,
            file_kinds=tuple(dict.fromkeys(query.file_kinds + extra.file_kinds)),
            after=extra.after or query.after,
            before=extra.before or query.before,
        )


@dataclass
class Hit:
    kind: str
    post: Post
    comment: Comment | None
    attachment: Attachment | None
    snippet: SafeString
    created_at: datetime
    author: User


@dataclass(frozen=True)
class Candidate:
    """One matching row of the window: what counts, facets, sorts and draws it (``_hits``)."""

    id: int
    kind: str
    post_id: int
    comment_id: int | None
    attachment_id: int | None
    author_id: int
    space_id: int | None
    created_at: datetime
    file_kind: str
    score: float


CANDIDATE_FIELDS = (
    "id",
    "kind",
    "post_id",
    "comment_id",
    "attachment_id",
    "author_id",
    "space_id",
    "created_at",
    "file_kind",
    "score",
)


@dataclass
class Facet:
    value: str
    label: str
    count: int


@dataclass
class Results:
    query: Query
    tab: str
    sort: str
    counts: dict[str, int]
    more: dict[str, bool] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    people: list[Profile] = field(default_factory=list)
    spaces: list[Space] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    facets: dict[str, list[Facet]] = field(default_factory=dict)
    next_cursor: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.hits or self.people or self.spaces or self.tags)


def _day(value: Any, end: bool) -> datetime:
    moment = datetime.combine(value, time.max if end else time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def documents(actor: Actor, query: Query) -> QuerySet[SearchDocument] | None:
    """The rows ``actor`` may see that match ``query``, each with a ``score`` (lower is better); ``None``
    when the query asks for nothing."""
    if query.is_empty:
        return None
    rows = SearchDocument.objects.filter(Exists(access.visible(actor, Post.objects.filter(pk=OuterRef("post_id")))))
    if query.authors:
        rows = rows.filter(author__handle__in=query.authors)
    if query.spaces:
        rows = rows.filter(space_id__in=Space.objects.filter(slug__in=query.spaces).values("pk"))
    for tag in query.tags:
        rows = rows.filter(Exists(PostTag.objects.filter(post_id=OuterRef("post_id"), tag__folded=tag)))
    if query.has_file:
        rows = rows.filter(has_file=True)
    if query.file_kinds:  # a file of that kind, or a post or comment that has one
        kinds = query.file_kinds
        files = SearchDocument.objects.filter(kind=DocumentKind.FILE, post_id=OuterRef("post_id"), file_kind__in=kinds)
        rows = rows.filter(
            Q(kind=DocumentKind.FILE, file_kind__in=kinds)
            | Q(Exists(files.filter(comment__isnull=True)), kind=DocumentKind.POST)
            | Q(Exists(files.filter(comment_id=OuterRef("comment_id"))), kind=DocumentKind.COMMENT)
        )
    if query.after:
        rows = rows.filter(created_at__gte=_day(query.after, end=False))
    if query.before:
        rows = rows.filter(created_at__lte=_day(query.before, end=True))
    if query.has_words:
        return backend().match(rows, query)
    return rows.annotate(score=Value(0.0, output_field=FloatField()))


def _encode(kind: str, *values: Any) -> str:
    raw = ":".join([kind, *(str(v) for v in values)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str | None) -> list[str]:
    if not cursor or len(cursor) > 200:
        return []
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split(":", 2)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return []


def offset_cursor(offset: int) -> str | None:
    """The cursor of the relevance page that starts ``offset`` results in (the API's ``offset``)."""
    return _encode("r", min(max(offset, 0), MAX_OFFSET)) if offset else None


def cursor_is_valid(cursor: str) -> bool:
    parts = _decode(cursor)
    return len(parts) >= 2 and parts[0] in {"r", "d"}


def space_results_for(*, actor: Actor, q: str) -> list[Space]:
    """Spaces whose name starts with the query's words, as the spaces directory finds them."""
    from essaim.spaces.selectors import DirectoryFilters as SpaceFilters
    from essaim.spaces.selectors import space_directory_for

    words = parse(q).text()
    return space_directory_for(actor=actor, filters=SpaceFilters(q=words), cursor=None).items if words else []


def _page(rows: QuerySet[SearchDocument], sort: str, cursor: str | None, size: int) -> tuple[list[Any], str | None]:
    """One page of rows by relevance (an offset, at most ``MAX_OFFSET``) or by date (keyset)."""
    parts = _decode(cursor)
    if sort == "date":
        rows = rows.order_by("-created_at", "-id")
        if len(parts) == 3 and parts[0] == "d":
            try:
                moment, last = datetime.fromisoformat(parts[2]), int(parts[1])
            except ValueError:
                moment, last = None, 0
            if moment is not None:
                rows = rows.filter(Q(created_at__lt=moment) | Q(created_at=moment, id__lt=last))
        found = list(rows[: size + 1])
        more = len(found) > size
        found = found[:size]
        return found, _encode("d", found[-1].pk, found[-1].created_at.isoformat()) if more and found else None
    offset = int(parts[1]) if len(parts) >= 2 and parts[0] == "r" and parts[1].isdigit() else 0
    offset = min(offset, MAX_OFFSET)
    # ``score`` is the engine's ``extra`` column, which django-stubs cannot see.
    found = list(rows.order_by("score", "-created_at", "-id")[offset : offset + size + 1])  # type: ignore[misc]
    more = len(found) > size and offset + size < MAX_OFFSET
    return found[:size], _encode("r", offset + size) if more else None


def _hits(actor: Actor, rows: list[Any], query: Query) -> list[Hit]:
    """The page's rows (``SearchDocument`` or ``Candidate``) with their post, comment, file, author and snippet
    (four queries)."""
    posts = {p.pk: p for p in Post.objects.filter(pk__in={r.post_id for r in rows}).select_related("author", "space")}
    comment_ids = {r.comment_id for r in rows if r.comment_id}
    comments = {c.pk: c for c in Comment.objects.filter(pk__in=comment_ids).select_related("author")}
    file_ids = [r.attachment_id for r in rows if r.attachment_id]
    files = {f.pk: f for f in Attachment.objects.filter(pk__in=file_ids)}
    texts = file_text(file_ids) if file_ids else {}
    authors = {u.pk: u for u in User.objects.filter(pk__in={r.author_id for r in rows}).select_related("profile")}
    matcher = Matcher(query)
    hits = []
    for row in rows:
        post = posts.get(row.post_id)
        if post is None:
            continue
        comment = comments.get(row.comment_id) if row.comment_id else None
        attachment = files.get(row.attachment_id) if row.attachment_id else None
        if attachment is not None:
            source = texts.get(attachment.pk) or attachment.alt_text or attachment.original_name
        else:
            # A content warning's text may be found, but the snippet says the warning, never the folded text.
            source = comment.excerpt if comment is not None else post.excerpt
        hits.append(
            Hit(
                kind=row.kind,
                post=post,
                comment=comment,
                attachment=attachment,
                snippet=highlight(source, matcher),
                created_at=row.created_at,
                author=authors[row.author_id],
            )
        )
    return hits


def window(rows: QuerySet[SearchDocument]) -> tuple[list[Candidate], bool]:
    """The newest ``WINDOW`` rows of ``rows`` (one query that stops reading there), and whether there are more."""
    found = [Candidate(*values) for values in backend().newest_first(rows).values_list(*CANDIDATE_FIELDS)[: WINDOW + 1]]
    return found[:WINDOW], len(found) > WINDOW


def _window_page(
    candidates: list[Candidate], sort: str, cursor: str | None, size: int
) -> tuple[list[Candidate], str | None]:
    """One page of the window's rows, as ``_page`` pages a query (the same cursors)."""
    parts = _decode(cursor)
    if sort == "date":
        ordered = sorted(candidates, key=lambda c: (c.created_at, c.id), reverse=True)
        if len(parts) == 3 and parts[0] == "d":
            try:
                moment, last = datetime.fromisoformat(parts[2]), int(parts[1])
            except ValueError:
                moment, last = None, 0
            if moment is not None:
                ordered = [c for c in ordered if (c.created_at, c.id) < (moment, last)]
        page = ordered[:size]
        more = len(ordered) > size
        return page, _encode("d", page[-1].id, page[-1].created_at.isoformat()) if more and page else None
    offset = int(parts[1]) if len(parts) >= 2 and parts[0] == "r" and parts[1].isdigit() else 0
    offset = min(offset, MAX_OFFSET)
    ordered = sorted(candidates, key=lambda c: (c.score, -c.created_at.timestamp(), -c.id))
    found = ordered[offset : offset + size + 1]
    more = len(found) > size and offset + size < MAX_OFFSET
    return found[:size], _encode("r", offset + size) if more else None


def _facets(candidates: list[Candidate], tab: str) -> dict[str, list[Facet]]:
    """The spaces, authors and kinds of file most common among the window's rows of the tab."""
    spaces = Counter(c.space_id for c in candidates if c.space_id is not None).most_common(FACET_SIZE)
    authors = Counter(c.author_id for c in candidates).most_common(FACET_SIZE)
    named = {s.pk: s for s in Space.objects.filter(pk__in=[pk for pk, _n in spaces]).only("slug", "name")}
    people = {u.pk: u for u in User.objects.filter(pk__in=[pk for pk, _n in authors])}
    facets = {
        "space": [Facet(named[pk].slug, named[pk].name, n) for pk, n in spaces if pk in named],
        "author": [Facet(people[pk].handle, people[pk].get_full_name(), n) for pk, n in authors if pk in people],
    }
    if tab == "files":
        kinds = Counter(c.file_kind for c in candidates if c.file_kind).most_common()
        facets["file_kind"] = [Facet(kind, kind, n) for kind, n in kinds]
    return facets


def search_for(
    *,
    actor: Actor,
    q: str,
    tab: str = "posts",
    filters: Filters | None = None,
    sort: str = "relevance",
    cursor: str | None = None,
    size: int = PAGE_SIZE,
) -> Results:
    """One page of one tab of the results for ``q``, with every tab's count and the tab's facets, all drawn from
    the newest ``WINDOW`` matching rows the reader may see (the counts then end in "+")."""
    query = (filters or Filters()).apply(parse(q))
    tab = tab if tab in TABS else "posts"
    sort = sort if sort in SORTS else "relevance"
    if not query.has_words and sort == "relevance":
        sort = "date"
    results = Results(query=query, tab=tab, sort=sort, counts=dict.fromkeys(TABS, 0))
    rows = documents(actor, query)
    candidates: list[Candidate] = []
    if rows is not None:
        candidates, more = window(rows)
        results.counts.update(
            posts=sum(c.kind in TEXT_KINDS for c in candidates),
            files=sum(c.kind == DocumentKind.FILE for c in candidates),
        )
        results.more.update(posts=more, files=more)
    words = query.text()
    if words and not query.has_filters:
        _names(actor, words, results)
    if rows is not None and tab in ("posts", "files"):
        kinds = TEXT_KINDS if tab == "posts" else (DocumentKind.FILE,)
        mine = [c for c in candidates if c.kind in kinds]
        page: list[Any]
        if sort == "date" and results.more[tab]:
            # Past the window, by date is read from the database: the window is the newest rows the engine
            # wrote, and a row written again (an edited post) may be newer there than older rows in time.
            page, results.next_cursor = _page(rows.filter(kind__in=kinds), sort, cursor, size)
        else:
            page, results.next_cursor = _window_page(mine, sort, cursor, size)
        results.hits = _hits(actor, page, query)
        results.facets = _facets(mine, tab)
    return results


def _names(actor: Actor, words: str, results: Results) -> None:
    """People, spaces and tags whose names start with the query's words (the directories' selectors)."""
    from essaim.people.selectors import DirectoryFilters as PeopleFilters
    from essaim.people.selectors import directory_profiles_for
    from essaim.spaces.selectors import DirectoryFilters as SpaceFilters
    from essaim.spaces.selectors import space_directory_for
    from essaim.stream.selectors import tag_suggestions_for

    people = directory_profiles_for(actor=actor, filters=PeopleFilters(q=words))
    spaces = space_directory_for(actor=actor, filters=SpaceFilters(q=words), cursor=None)
    tags = tag_suggestions_for(actor=actor, query=words.replace(" ", ""), limit=PAGE_SIZE)
    results.people, results.spaces, results.tags = people.items, spaces.items, tags
    results.counts.update(people=len(people.items), spaces=len(spaces.items), tags=len(tags))
    results.more.update(people=people.next_cursor is not None, spaces=spaces.next_cursor is not None)


# --- suggestions while typing -------------------------------------------------------------


@dataclass
class Suggestions:
    q: str
    people: list[Profile]
    spaces: list[Space]
    tags: list[Tag]


SUGGESTION_LIMIT = 4


def suggestions_for(*, actor: Actor, q: str) -> Suggestions:
    """People, spaces and tags for what is being typed (then the page offers "search posts for …")."""
    from essaim.people.selectors import person_suggestions_for
    from essaim.spaces.selectors import DirectoryFilters as SpaceFilters
    from essaim.spaces.selectors import space_directory_for
    from essaim.stream.selectors import tag_suggestions_for

    q = q.strip()[:100]
    words = parse(q).text() if q else ""
    if not words:
        return Suggestions(q=q, people=[], spaces=[], tags=[])
    people = person_suggestions_for(actor=actor, query=words, limit=SUGGESTION_LIMIT)
    spaces = space_directory_for(actor=actor, filters=SpaceFilters(q=words), cursor=None).items[:SUGGESTION_LIMIT]
    tags = tag_suggestions_for(actor=actor, query=words.replace(" ", ""), limit=SUGGESTION_LIMIT)
    return Suggestions(q=q, people=people, spaces=spaces, tags=tags)


# --- who knows about X ----------------------------------------------------------------------


@dataclass
class Expert:
    profile: Profile
    skills: list[Skill]
    writings: int
    evidence: list[Hit]
    score: float


EXPERT_LIMIT = 10
EVIDENCE = 3
SKILL_WEIGHT = 10


def experts_for(*, actor: Actor, q: str, limit: int = EXPERT_LIMIT) -> list[Expert]:
    """People ranked by their declared skills matching ``q`` (each worth ``SKILL_WEIGHT``) and by how much
    they wrote about it that ``actor`` may read (posts, comments, files), with their best matching posts."""
    query = parse(q + " ")
    if not query.has_words:
        return []
    folded = fold(query.text())
    skill_condition = Q(folded__contains=folded)
    for word in folded.split():
        skill_condition |= Q(folded__startswith=word) | Q(folded__contains=f" {word}")
    skills = list(Skill.objects.filter(skill_condition)[:50])
    rows = documents(actor, query)
    written: dict[int, int] = {}
    if rows is not None:
        ranked = rows.order_by().values("author_id").annotate(n=Count("id")).order_by("-n")
        written = {r["author_id"]: r["n"] for r in ranked[:100]}
    holders: dict[int, list[Skill]] = {}
    if skills:
        through = Profile.skills.through.objects.filter(skill_id__in=[s.pk for s in skills])
        by_id = {s.pk: s for s in skills}
        for profile_id, skill_id in through.values_list("profile_id", "skill_id")[:500]:
            holders.setdefault(profile_id, []).append(by_id[skill_id])
    profiles = access.visible(
        actor,
        Profile.objects.filter(Q(pk__in=list(holders)) | Q(user_id__in=list(written)), user__is_active=True),
    ).select_related("user")
    experts = [
        Expert(
            profile=p,
            skills=holders.get(p.pk, []),
            writings=written.get(p.user_id, 0),
            evidence=[],
            score=SKILL_WEIGHT * len(holders.get(p.pk, [])) + min(written.get(p.user_id, 0), 50),
        )
        for p in profiles
    ]
    experts.sort(key=lambda e: (-e.score, e.profile.sort_key))
    experts = experts[:limit]
    if rows is not None:
        for expert in experts:
            mine = rows.filter(author_id=expert.profile.user_id)
            best = list(mine.order_by("score", "-created_at")[:EVIDENCE])  # type: ignore[misc]  # the engine's column
            expert.evidence = _hits(actor, best, query)
    return experts
