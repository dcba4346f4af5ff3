"""Who may see and act on posts, comments, reactions, mentions, attachments and tags.

A post outside any space is visible to its author and:

* ``company``: every employee (never external guests);
* ``followers``: the author's followers;
* ``mentioned``: the people it mentions.

People mentioned in a ``company`` or ``followers`` post see it too. A post in a space is
visible to the space's members, and to every employee when the space is public; its own
visibility field does not widen that (posting, commenting and reacting in a space also need the
space's role). Compliance officers read like any employee: what they need of the spaces they do not
belong to comes in compliance exports (``essaim.compliance``), never by browsing the pages.
Network administrators get no extra *reading* right (they do not read secret spaces they are
not in) but may delete any post they can see. A space's moderators (and its admins and owners)
delete the posts and comments of their space.

``visible`` is one SQL filter made of ``EXISTS`` subqueries: no Python loop, any page size.
Comments, reactions, mentions and attachments (a comment's too) follow their post.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import can, register
from essaim.access.roles import Actor
from essaim.access.rules import questions
from essaim.access.rules.memberships import space_roles


def post_visibility_q(actor: Actor, prefix: str = "") -> Q:
    """The condition "``actor`` may read the post" on a queryset of posts (or via ``prefix``, e.g. ``post__``)."""
    from essaim.people.models import Follow
    from essaim.spaces.models import Membership
    from essaim.stream.models import Mention

    if not roles.is_signed_in(actor):
        return Q(pk__in=[])
    post_pk = f"{prefix}pk" if prefix else "pk"
    member = Exists(Membership.objects.filter(user_id=actor.pk, space_id=OuterRef(f"{prefix}space_id")))
    mentioned = Exists(Mention.objects.filter(user_id=actor.pk, post_id=OuterRef(post_pk), comment__isnull=True))
    follows = Exists(Follow.objects.filter(follower_id=actor.pk, followed_id=OuterRef(f"{prefix}author_id")))

    in_space = Q(member)
    if roles.is_employee(actor):
        in_space |= Q(**{f"{prefix}space__visibility": "public"})
    outside = Q(**{f"{prefix}author_id": actor.pk}) | Q(mentioned)
    outside |= Q(**{f"{prefix}visibility": "followers"}) & Q(follows)
    if roles.is_employee(actor):
        outside |= Q(**{f"{prefix}visibility": "company"})
    readable = (Q(**{f"{prefix}space__isnull": False}) & in_space) | (Q(**{f"{prefix}space__isnull": True}) & outside)
    return readable & _not_hidden_from(actor, prefix)


def _not_hidden_from(actor: Actor, prefix: str) -> Q:
    """A post hidden by moderation stays readable by its author and by whoever may moderate it."""
    from essaim.spaces.models import Membership

    shown = Q(**{f"{prefix}hidden_at__isnull": True}) | Q(**{f"{prefix}author_id": actor.pk})
    moderating = Membership.objects.filter(
        user_id=actor.pk, space_id=OuterRef(f"{prefix}space_id"), role__in=MODERATING_ROLES
    )
    shown |= Q(Exists(moderating))
    if roles.is_network_admin(actor):
        shown |= Q(**{f"{prefix}space__isnull": True})
    return shown


MODERATING_ROLES = ("owner", "admin", "moderator")


def post_readers_q(post: Any) -> Q:
    """``post_visibility_q`` turned around: the condition "may read ``post``" on a queryset of people
    (``post.space`` loaded). The same rule, read from the post's side: ``tests/access/test_readers.py``
    proves both equal for every kind of post and person."""
    from essaim.people.models import Follow
    from essaim.spaces.models import Membership, Space
    from essaim.stream.models import Mention

    def member(roles_in: Sequence[str] | None = None) -> Exists:
        memberships = Membership.objects.filter(user_id=OuterRef("pk"), space_id=post.space_id)
        return Exists(memberships.filter(role__in=roles_in) if roles_in else memberships)

    nobody = Q(pk__in=[])
    if post.space_id is not None:
        public = post.space.visibility == Space.Visibility.PUBLIC
        readable = Q(member()) | (roles.employee_q() if public else nobody)
    else:
        mentioned = Mention.objects.filter(post_id=post.pk, comment__isnull=True, user_id=OuterRef("pk"))
        follows = Follow.objects.filter(follower_id=OuterRef("pk"), followed_id=post.author_id)
        readable = Q(pk=post.author_id) | Q(Exists(mentioned))
        readable |= Q(Exists(follows)) if post.visibility == "followers" else nobody
        readable |= roles.employee_q() if post.visibility == "company" else nobody
    if post.hidden_at is not None:  # ``_not_hidden_from``
        shown = Q(pk=post.author_id) | Q(member(MODERATING_ROLES))
        readable &= shown | (roles.network_admin_q() if post.space_id is None else nobody)
    return roles.signed_in_q() & readable


def _people() -> QuerySet[Any]:
    from essaim.accounts.models import User

    return User.objects.all()


def _visible_posts(actor: Actor, queryset: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
    if not roles.is_signed_in(actor):
        return queryset.none()
    return queryset.filter(post_visibility_q(actor, prefix))


def _readable_among(actor: Actor, posts: Sequence[Any]) -> list[Any]:
    """``post_visibility_q`` decided in Python on loaded posts (with ``space`` loaded), in order.

    At most three small queries, each only when the page needs it: the actor's memberships in
    the page's spaces, their follows among the authors of followers-only posts, and their
    mentions in the posts nothing else opens. ``tests/access/test_visible_among.py`` checks that
    both forms agree on every kind of post and actor.
    """
    from essaim.people.models import Follow
    from essaim.stream.models import Mention

    if not roles.is_signed_in(actor):
        return []
    me = actor.pk
    employee = roles.is_employee(actor)
    space_ids = {p.space_id for p in posts if p.space_id is not None}
    roles_in: dict[int, str] = dict(space_roles(me, sorted(space_ids))) if space_ids else {}
    outside = [p for p in posts if p.space_id is None and p.author_id != me]
    followers_only = {p.author_id for p in outside if p.visibility == "followers"}
    followed = (
        set(Follow.objects.filter(follower_id=me, followed_id__in=followers_only).values_list("followed_id", flat=True))
        if followers_only
        else set()
    )

    def opened(p: Any) -> bool:  # readable outside spaces without a mention
        return (employee and p.visibility == "company") or (p.visibility == "followers" and p.author_id in followed)

    unsure = [p.pk for p in outside if not opened(p)]
    mentioned = (
        set(
            Mention.objects.filter(user_id=me, post_id__in=unsure, comment__isnull=True).values_list(
                "post_id", flat=True
            )
        )
        if unsure
        else set()
    )

    def readable(p: Any) -> bool:
        if p.space_id is not None:
            return p.space_id in roles_in or (employee and p.space.visibility == "public")
        return p.author_id == me or opened(p) or p.pk in mentioned

    def shown(p: Any) -> bool:
        return (
            p.hidden_at is None
            or p.author_id == me
            or roles_in.get(p.space_id) in MODERATING_ROLES
            or (p.space_id is None and roles.is_network_admin(actor))
        )

    return [p for p in posts if readable(p) and shown(p)]


def _can_read_post(actor: Actor, post: Any) -> bool:
    """``post_visibility_q`` for one loaded post, decided on its loaded fields (``_readable_among``):
    the SQL form, built for a single post at every check, was most of a reaction's server CPU
    (bench/README.md)."""
    if not roles.is_signed_in(actor):
        return False
    if post.pk is None or post._state.adding:  # a draft: its author, if they may post there
        return roles.is_self(actor, post.author)
    return bool(_readable_among(actor, [post]))


def _space_allows(actor: Actor, action: Action, space: Any) -> bool:
    """In a space, the space's own rules (roles, archiving) also apply: see ``rules/spaces.py``."""
    return space is None or can(actor, action, space)


def _moderates(actor: Actor, post: Any) -> bool:
    """Whether ``actor`` moderates the space ``post`` is in (moderators, admins and owners of an active space)."""
    return post.space_id is not None and can(actor, Action.MODERATE, post.space)


class PostPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        if obj is None:  # posting outside spaces is a network right (``rules/network.py``)
            return False
        match action:
            case Action.VIEW | Action.BOOKMARK:  # whoever reads it saves it for themselves, in a space as anywhere
                return _can_read_post(actor, obj)
            case Action.CREATE_POST:
                if obj.space is None:
                    return roles.is_self(actor, obj.author) and roles.is_employee(actor)
                return roles.is_self(actor, obj.author) and can(actor, Action.CREATE_POST, obj.space)
            case Action.EDIT | Action.REMOVE_LINK_PREVIEW:  # a link's card is its author's to take off
                return roles.is_self(actor, obj.author) and _can_read_post(actor, obj)
            case Action.DELETE:
                return _can_read_post(actor, obj) and (
                    roles.is_self(actor, obj.author) or roles.is_network_admin(actor) or _moderates(actor, obj)
                )
            case Action.HIDE:  # space moderators in their space; network admins outside spaces
                return _can_read_post(actor, obj) and (
                    _moderates(actor, obj) or (obj.space_id is None and roles.is_network_admin(actor))
                )
            case Action.COMMENT | Action.REACT:
                return _can_read_post(actor, obj) and _space_allows(actor, action, obj.space)
            case Action.REPORT:  # whoever reads it, but its author (``rules/moderation.py``)
                return not roles.is_self(actor, obj.author) and _can_read_post(actor, obj)
            case Action.VOTE_ANSWER | Action.ACCEPT_ANSWER | Action.FOLLOW_QUESTION | Action.VOTE_POLL:
                return questions.can_on_post(actor, action, obj, readable=_can_read_post, moderates=_moderates)
            case Action.ANNOUNCE | Action.REQUIRE_READ:  # a must-read is an announcement asking for confirmation
                return (
                    (roles.is_network_admin(actor) or roles.is_communication_team(actor))
                    and obj.visibility == "company"
                    and (obj.space_id is None or obj.space.visibility == "public")
                    and _can_read_post(actor, obj)
                )
            case _:
                return False

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return _visible_posts(actor, queryset)

    def visible_among(self, actor: Actor, objects: Sequence[Any]) -> list[Any]:
        return _readable_among(actor, objects)

    def readers(self, obj: Any) -> QuerySet[Any]:
        return _people().filter(post_readers_q(obj))


class CommentPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        if obj is None:
            return False
        match action:
            case Action.VIEW:
                return _can_read_post(actor, obj.post)
            case Action.EDIT:
                return roles.is_self(actor, obj.author) and _can_read_post(actor, obj.post)
            case Action.DELETE:
                return _can_read_post(actor, obj.post) and (
                    roles.is_self(actor, obj.author)
                    or roles.is_self(actor, obj.post.author)
                    or roles.is_network_admin(actor)
                    or _moderates(actor, obj.post)
                )
            case Action.REPORT:
                return not roles.is_self(actor, obj.author) and _can_read_post(actor, obj.post)
            case _:
                return False

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return _visible_posts(actor, queryset, prefix="post__")

    def readers(self, obj: Any) -> QuerySet[Any]:
        return _people().filter(post_readers_q(obj.post))


class FollowsPostPolicy:
    """Reactions and mentions: visible with their post; changed only through the post's rules."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        if obj is None or action is not Action.VIEW:
            return False
        return _can_read_post(actor, obj.post)

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return _visible_posts(actor, queryset, prefix="post__")


class AttachmentPolicy:
    """A post's files follow their post: read with it, removed by whoever may edit it. A comment's files
    (``post`` is then the comment's post too) are read with the post as well, and removed by whoever may
    edit the comment. An upload still waiting for its post (the API's media, a refused post's or
    comment's kept files) is its uploader's only."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        if obj is None or action not in {Action.VIEW, Action.DELETE}:
            return False
        if obj.post_id is None:
            return roles.is_signed_in(actor) and obj.uploaded_by_id == actor.pk
        if action is Action.DELETE:
            return can(actor, Action.EDIT, obj.comment if obj.comment_id is not None else obj.post)
        return _can_read_post(actor, obj.post)

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        with_post = _visible_posts(actor, queryset.filter(post__isnull=False), prefix="post__")
        if not roles.is_signed_in(actor):
            return with_post
        return queryset.filter(Q(pk__in=with_post.values("pk")) | Q(post__isnull=True, uploaded_by_id=actor.pk))


class TagPolicy:
    """A tag is known to a reader through a post they may read: a name used only in a secret space is
    that space's business (neither suggested nor resolved for others, answered as an unknown one).
    Following tags is a network right (``Action.FOLLOW_TAG``, ``rules/network.py``): by name, so a tag
    not yet visible may be followed, as a new one would be."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        if action is not Action.VIEW or obj is None:
            return False
        return self.visible(actor, obj.__class__.objects.filter(pk=obj.pk)).exists()

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """One ``EXISTS`` per tag: a readable post carrying it (the ``(tag, post)`` index, then the post's rule)."""
        from essaim.stream.models import PostTag

        if not roles.is_signed_in(actor):
            return queryset.none()
        readable = PostTag.objects.filter(tag_id=OuterRef("pk")).filter(post_visibility_q(actor, "post__"))
        return queryset.filter(Exists(readable))


register("stream.Post", PostPolicy())
register("stream.Comment", CommentPolicy())
register("stream.Reaction", FollowsPostPolicy())
register("stream.Mention", FollowsPostPolicy())
register("stream.Attachment", AttachmentPolicy())
register("stream.Tag", TagPolicy())


class SourceMutePolicy:
    """A muted source is its person's own: they see and remove it (``MUTE_SOURCE``, to mute, is a network right of
    every signed-in person: ``rules/network.py``)."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return (
            obj is not None
            and action in {Action.VIEW, Action.DELETE}
            and roles.is_signed_in(actor)
            and obj.user_id == actor.pk
        )

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(user_id=actor.pk) if roles.is_signed_in(actor) else queryset.none()


register("stream.SourceMute", SourceMutePolicy())


class BookmarkPolicy:
    """A saved post is its person's own, and shows only while they may still read the post: losing access to
    it (a space left, a post hidden) takes it off their list, without deleting the save."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        if obj is None or action not in {Action.VIEW, Action.DELETE} or not roles.is_signed_in(actor):
            return False
        return obj.user_id == actor.pk and (action is Action.DELETE or _can_read_post(actor, obj.post))

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not roles.is_signed_in(actor):
            return queryset.none()
        return _visible_posts(actor, queryset.filter(user_id=actor.pk), prefix="post__")


register("stream.Bookmark", BookmarkPolicy())


class ScheduledPostPolicy:
    """A scheduled post is its author's until it is published: they see it, change its time (``EDIT``) and cancel
    it (``DELETE``); nobody else, administrators included, sees it before it is out. Scheduling one is posting
    (``Action.CREATE_POST`` on the draft, asked again at publication)."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return (
            obj is not None
            and action in {Action.VIEW, Action.EDIT, Action.DELETE}
            and roles.is_signed_in(actor)
            and obj.author_id == actor.pk
        )

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(author_id=actor.pk) if roles.is_signed_in(actor) else queryset.none()


register("stream.ScheduledPost", ScheduledPostPolicy())
