"""The activity stream's data: posts, their history, comments, reactions, mentions, tags, files.

Posts and comments use time-ordered 64-bit ids (``essaim.core.ids``) so feeds paginate by id.
Counters (comments, reactions per emoji) are denormalised on ``Post`` and kept exact by the
services, so a feed renders without counting. ``HomeEntry`` is the materialised home timeline
(fan-out on write, see ``essaim.stream.timelines``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, Storage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from essaim.core.ids import time_ordered_id

POST_MAX_CHARS = 20_000
COMMENT_MAX_CHARS = 5_000
TAG_MAX_CHARS = 50
SPOILER_MAX_CHARS = 200  # Mastodon's content warning (``spoiler_text``)


class Visibility(models.TextChoices):
    COMPANY = "company", _("Everyone in the company")
    FOLLOWERS = "followers", _("My followers")
    MENTIONED = "mentioned", _("Mentioned people only")


class PostKind(models.TextChoices):
    """What a post is, which says how its card is drawn and what it carries beside its text.

    A plain post has nothing more; the others have their own rows, one to one with the post (a
    question's answers and accepted answer, a poll's options and votes, an event's dates and
    answers, an idea's votes and status, a praise's badge and the people praised), so that every
    kind lives in the same feeds and obeys the same permission rules.
    """

    POST = "post", _("Post")
    QUESTION = "question", _("Question")
    POLL = "poll", _("Poll")
    EVENT = "event", _("Event")
    IDEA = "idea", _("Idea")
    PRAISE = "praise", _("Praise")


class Emoji(models.TextChoices):
    """The fixed set of reactions, in display order."""

    THUMBS_UP = "👍", _("Like")
    HEART = "❤️", _("Love")
    TADA = "🎉", _("Celebrate")
    SMILE = "😄", _("Funny")
    WOW = "😮", _("Surprised")
    THANKS = "🙏", _("Thanks")


def warned_text(text: str, spoiler_text: str) -> str:
    """What may be said of a text away from its card (e-mails, digests, notifications, Atom feeds, search snippets):
    its content warning when it has one, never the text the warning folds."""
    if spoiler_text:
        return gettext("Content warning: %(warning)s") % {"warning": spoiler_text}
    return text


def checked_emoji(value: str) -> str:
    """``value`` when it is one of the set; otherwise a ``ValidationError`` that lists the set."""
    if value not in Emoji.values:
        raise ValidationError(
            {"emoji": gettext("Choose one of these reactions: %(choices)s.") % {"choices": " ".join(Emoji.values)}}
        )
    return value


def attachment_storage() -> Storage:
    """Attachments live outside ``MEDIA_ROOT``: they are only served by the checked download view."""
    return FileSystemStorage(location=settings.DATA_DIR / "private")


class Post(models.Model):
    id = models.BigIntegerField(primary_key=True, default=time_ordered_id, editable=False)
    # The foreign keys go without Django's one-column index where an index below starts with their
    # column (``tests/test_indexes.py``): each one cost every new row one more page to write.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="posts",
        verbose_name=_("author"),
        db_index=False,  # ``post_author_id``
    )
    body = models.TextField(_("message"), max_length=POST_MAX_CHARS)
    body_html = models.TextField(editable=False, default="")
    # A content warning: shown instead of the text, which stays folded until the reader opens it; ``sensitive``
    # hides the images until clicked (Mastodon's ``spoiler_text`` and ``sensitive``).
    spoiler_text = models.CharField(
        _("content warning"), max_length=SPOILER_MAX_CHARS, blank=True, default="", db_default=""
    )
    sensitive = models.BooleanField(_("sensitive images"), default=False, db_default=False)
    # How many people saved it (``Bookmark``): never shown, only tells the feeds whether to look for the reader's
    # own saves among a page's posts (most pages have none), as ``reaction_counts`` does for reactions.
    bookmark_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    kind = models.CharField(
        _("kind"), max_length=10, choices=PostKind, default=PostKind.POST, db_default=PostKind.POST, editable=False
    )
    visibility = models.CharField(_("who can see it"), max_length=10, choices=Visibility, default=Visibility.COMPANY)
    space = models.ForeignKey(
        "spaces.Space",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("space"),
        db_index=False,  # ``post_space_id``
    )
    created_at = models.DateTimeField(_("published"), default=timezone.now, editable=False)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True, editable=False)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    # Files are attached when the post is published and only go with it: feeds skip looking for
    # files when no post of the page has any (most pages).
    attachment_count = models.PositiveSmallIntegerField(default=0, editable=False)
    # {"👍": 3, "🎉": 1}: kept exact by the reaction services.
    reaction_counts = models.JSONField(default=dict, blank=True, editable=False)
    is_announcement = models.BooleanField(_("announcement"), default=False, editable=False)
    announcement_expires_at = models.DateTimeField(_("pinned until"), null=True, blank=True, editable=False)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,  # ``post_announced_by``: the few posts that have one
    )
    # Pre-approval: a post written where its author's posts wait for a moderator (``Space.post_approval``)
    # is also hidden until a moderator approves it (``moderation.approval``); its events wait with it.
    awaiting_approval = models.BooleanField(_("waiting for approval"), default=False, db_default=False, editable=False)
    # Moderation: a hidden post stays for its author and its moderators only (see access/rules/stream.py).
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True, editable=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,  # ``post_hidden_by``: the few posts that have one
    )

    # The card of the first link in its text (``stream.link_previews``), filled by a task; its author may take
    # it off (``link_preview_removed``: no card, and none fetched again for this post).
    link_preview = models.ForeignKey(
        "stream.LinkPreview",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,  # ``post_link_preview``: the posts that have one
    )
    link_preview_removed = models.BooleanField(default=False, db_default=False, editable=False)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ("-id",)
        indexes = [
            models.Index(fields=["author", "-id"], name="post_author_id"),
            models.Index(fields=["space", "-id"], name="post_space_id"),
            models.Index(
                fields=["-id"], condition=Q(space__isnull=True, visibility="company"), name="post_company_feed"
            ),
            models.Index(
                fields=["announcement_expires_at"], condition=Q(is_announcement=True), name="post_announcements"
            ),
            # For a user's deletion (``SET_NULL``); a full index took an entry for every post.
            models.Index(fields=["announced_by"], condition=Q(announced_by__isnull=False), name="post_announced_by"),
            models.Index(fields=["hidden_by"], condition=Q(hidden_by__isnull=False), name="post_hidden_by"),
            models.Index(fields=["link_preview"], condition=Q(link_preview__isnull=False), name="post_link_preview"),
            # The moderation queue's posts waiting for approval: the few there are, by space.
            models.Index(fields=["space", "id"], condition=Q(awaiting_approval=True), name="post_awaiting_approval"),
            # Unanswered questions (every feed's filter, a space's section): the few questions with no comment yet.
            models.Index(
                fields=["space", "-id"], condition=Q(kind="question", comment_count=0), name="post_unanswered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_id}: {self.body[:40]}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("stream:post-detail", kwargs={"post_id": self.pk})

    @property
    def excerpt(self) -> str:
        """Its text, or its content warning when it has one (``warned_text``)."""
        return warned_text(self.body, self.spoiler_text)

    @property
    def is_active_announcement(self) -> bool:
        expires = self.announcement_expires_at
        return self.is_announcement and expires is not None and expires > timezone.now()

    def reaction_list(self) -> list[tuple[str, str, int]]:
        """``(emoji, label, count)`` for the whole fixed set, in display order."""
        counts = self.reaction_counts or {}
        return [(str(e.value), str(e.label), int(counts.get(e.value, 0))) for e in Emoji]


class PostRevision(models.Model):
    """A previous body of an edited post (the edit history)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(max_length=POST_MAX_CHARS)
    body_html = models.TextField(default="")
    spoiler_text = models.CharField(max_length=SPOILER_MAX_CHARS, blank=True, default="", db_default="")
    sensitive = models.BooleanField(default=False, db_default=False)
    created_at = models.DateTimeField(default=timezone.now, help_text=_("When this version was written."))
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")
        ordering = ("-replaced_at", "-id")

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.replaced_at:%Y-%m-%d %H:%M}"


class Comment(models.Model):
    id = models.BigIntegerField(primary_key=True, default=time_ordered_id, editable=False)
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="comments", db_index=False
    )  # ``comment_post_id``
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to"),
        db_index=False,  # ``comment_replies`` below: a full index made the planners read every top-level comment
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_CHARS)
    body_html = models.TextField(editable=False, default="")
    # As on ``Post``: a comment is a status in the API, which may carry a content warning.
    spoiler_text = models.CharField(
        _("content warning"), max_length=SPOILER_MAX_CHARS, blank=True, default="", db_default=""
    )
    sensitive = models.BooleanField(_("sensitive images"), default=False, db_default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    # As on ``Post``: files come with the comment and only go with it, so the feeds' comment previews
    # and a post's threads skip looking for files when none of their comments has any (most).
    attachment_count = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ("id",)
        indexes = [
            models.Index(fields=["post", "id"], name="comment_post_id"),
            # The feed's comment previews: first top-level comments of a post, without the replies.
            models.Index(fields=["post", "id"], condition=Q(parent__isnull=True), name="comment_post_top"),
            # Replies of a comment (cascading deletes); top-level comments are not in it, so
            # ``parent_id IS NULL`` can never be planned on this index.
            models.Index(fields=["parent"], condition=Q(parent__isnull=False), name="comment_replies"),
        ]

    def __str__(self) -> str:
        return f"{self.author_id} on {self.post_id}: {self.body[:40]}"

    @property
    def excerpt(self) -> str:
        """Its text, or its content warning when it has one (``warned_text``)."""
        return warned_text(self.body, self.spoiler_text)


class Reaction(models.Model):
    # Indexed by ``one_reaction_of_each_kind`` and ``reaction_user_post``.
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions", db_index=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions", db_index=False
    )
    emoji = models.CharField(_("reaction"), max_length=8, choices=Emoji)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [models.UniqueConstraint(fields=["post", "user", "emoji"], name="one_reaction_of_each_kind")]
        indexes = [models.Index(fields=["user", "post"], name="reaction_user_post")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.emoji} {self.post_id}"


class Bookmark(models.Model):
    """``user`` saved ``post`` for later (Mastodon's bookmarks): private to them. Its time-ordered id pages the
    saved posts newest saved first; it goes with the post or the person."""

    id = models.BigIntegerField(primary_key=True, default=time_ordered_id, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )  # ``bookmark_once`` and ``bookmark_user_id``
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks", db_index=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("saved post")
        verbose_name_plural = _("saved posts")
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="bookmark_once")]
        indexes = [
            models.Index(fields=["user", "-id"], name="bookmark_user_id"),
            models.Index(fields=["post"], name="bookmark_post"),  # a post's deletion (cascade)
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saved {self.post_id}"


class Mention(models.Model):
    """``user`` is mentioned in ``post`` (``comment`` empty) or in one of its comments."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    # ``mention_once_per_comment`` indexes the comments' mentions (``comment_id = …`` implies it is not null),
    # and ``mention_user_post`` the people.
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="mentions", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions", db_index=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"], condition=Q(comment__isnull=True), name="mention_once_per_post"
            ),
            models.UniqueConstraint(
                fields=["comment", "user"], condition=Q(comment__isnull=False), name="mention_once_per_comment"
            ),
        ]
        indexes = [models.Index(fields=["user", "post"], name="mention_user_post")]

    def __str__(self) -> str:
        return f"@{self.user_id} in {self.post_id}"


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=TAG_MAX_CHARS)
    folded = models.CharField(max_length=TAG_MAX_CHARS, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ("folded",)

    def __str__(self) -> str:
        return f"#{self.name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("stream:tag", kwargs={"name": self.folded})


class PostTag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="post_tags")
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="post_tags", db_index=False
    )  # ``tag_post_once``

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tag", "post"], name="tag_post_once")]

    def __str__(self) -> str:
        return f"{self.tag_id} on {self.post_id}"


class TagFollow(models.Model):
    # Indexed by ``tag_follow_once`` and ``tagfollow_tag_user``.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tag_follows", db_index=False
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="follows", db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tag"], name="tag_follow_once")]
        indexes = [models.Index(fields=["tag", "user"], name="tagfollow_tag_user")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.tag_id}"


def attachment_path(attachment: Attachment, filename: str) -> str:
    return f"stream/{attachment.post_id or 'uploads'}/{attachment.pk}-{filename}"


class Attachment(models.Model):
    """A file of a post, or of one of its comments.

    A comment's file keeps ``post`` set to the comment's post as well as ``comment``: who may read it,
    download it (the checked download view) and delete it with the post is then decided by the post's
    rules, exactly as for the post's own files, with no second rule to keep equal. So the post's *own*
    files are those with ``comment`` empty: every read of a post's files says ``comment__isnull=True``.
    """

    id = models.BigIntegerField(primary_key=True, default=time_ordered_id, editable=False)
    # Null while an upload waits for its post (the API's media first, then the status).
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments", null=True, blank=True)
    # Set for a comment's file (``post`` is then the comment's post); deleted with the comment.
    comment = models.ForeignKey(
        Comment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        editable=False,
        db_index=False,  # ``attachment_comment``: the few files that have one
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to=attachment_path, storage=attachment_storage, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    is_image = models.BooleanField(default=False)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    thumbnail = models.FileField(upload_to=attachment_path, storage=attachment_storage, max_length=300, blank=True)
    alt_text = models.CharField(_("image description"), max_length=500, blank=True)
    # Set while an upload waits for a scheduled post's publication (``stream.scheduling``): neither taken by another
    # post nor purged meanwhile. Cleared when the post is published (it then has ``post``) or cancelled.
    scheduled_post = models.ForeignKey(
        "ScheduledPost",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        editable=False,
        db_index=False,  # ``attachment_scheduled``: the few files that have one
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ("id",)
        indexes = [
            models.Index(fields=["comment"], condition=Q(comment__isnull=False), name="attachment_comment"),
            models.Index(
                fields=["scheduled_post"], condition=Q(scheduled_post__isnull=False), name="attachment_scheduled"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class ScheduledPost(models.Model):
    """A post its author asked to publish later (Mastodon's ScheduledStatus; ``stream.scheduling``).

    What the composer or the API was given, kept as given: at ``scheduled_at`` the periodic job publishes it
    through ``services.post_create``, so the policy, the space's pre-approval, the watch rules and the
    notifications decide then. Published, the row goes (the post exists); refused then (the author lost the
    right to post there, a rule refuses the text), it stays ``failed`` with the reason for its author to see.
    Its files are the author's uploads, reserved by ``Attachment.scheduled_post``.
    """

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        FAILED = "failed", _("Not published")

    id = models.BigIntegerField(primary_key=True, default=time_ordered_id, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    scheduled_at = models.DateTimeField(_("publish at"))
    body = models.TextField(_("message"), max_length=POST_MAX_CHARS)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.COMPANY)
    # A deleted space takes its scheduled posts with it: they must never land outside it.
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=20, choices=PostKind.choices, default=PostKind.POST)
    kind_data = models.JSONField(null=True, blank=True)
    confirm_watch = models.BooleanField(default=False)  # the author saw the watch rules' warning and confirmed
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    failure = models.TextField(blank=True)  # why it was not published, in the author's language
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("scheduled post")
        verbose_name_plural = _("scheduled posts")
        ordering = ("scheduled_at", "id")
        indexes = [
            # the author's list (and count), soonest first
            models.Index(fields=["author", "scheduled_at"], name="scheduled_author_time"),
            # the job's scan: those due, soonest first
            models.Index(fields=["scheduled_at"], condition=Q(state="scheduled"), name="scheduled_due"),
        ]

    def __str__(self) -> str:
        return f"{self.author_id} @ {self.scheduled_at:%Y-%m-%d %H:%M}"


class HomeEntry(models.Model):
    """One line of someone's materialised home timeline: ``post`` is delivered to ``owner``."""

    pk = models.CompositePrimaryKey("owner", "post")
    # A derived index of posts, rebuilt at will (``timelines.rebuild``), written a few thousand rows
    # per post: no foreign-key constraints in the database, whose checks were 80 % of PostgreSQL's
    # time inserting a batch (bench/README.md). Deleting a post or a person still deletes its
    # entries (Django's cascade), and feeds join the posts, so an entry can never show a missing one.
    # The primary key's index starts with the owner: a second one on the owner alone would only
    # cost every delivered row one more random write. On SQLite the table is ``WITHOUT ROWID``
    # (migration 0008): rows stored in key order, so a timeline is a few neighbouring pages.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+", db_constraint=False)

    class Meta:
        verbose_name = _("home timeline entry")
        verbose_name_plural = _("home timeline entries")

    def __str__(self) -> str:
        return f"{self.post_id} for {self.owner_id}"


class SourceMute(models.Model):
    """A source someone chose not to see in their feeds (``stream.sources``): one automated account (a feed's or
    an integration's: ``author``), or every automated account in one space (``space``). Exactly one is set."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("muted source")
        verbose_name_plural = _("muted sources")
        constraints = [
            models.CheckConstraint(
                condition=Q(author__isnull=False, space__isnull=True) | Q(author__isnull=True, space__isnull=False),
                name="source_mute_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "author"], condition=Q(author__isnull=False), name="source_mute_author"
            ),
            models.UniqueConstraint(
                fields=["user", "space"], condition=Q(space__isnull=False), name="source_mute_space"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.author_id or self.space_id}"


def preview_storage() -> Storage:
    """Link previews' images live beside the attachments, served by a checked view (``stream:link-preview-image``)."""
    return attachment_storage()


class LinkPreview(models.Model):
    """What a web page says of itself (Open Graph, Twitter card, oEmbed, ``<title>``), fetched once per address and kept
    until ``expires_at`` (``stream.link_previews``). ``found`` is false when the page had nothing to show (or
    could not be read): no card, and no new try before it expires. The image is the page's own, fetched through
    the safe fetcher, decoded and re-encoded here, and served by Essaim: readers' browsers never ask the page's
    site for it."""

    url_hash = models.CharField(max_length=64, unique=True, editable=False)  # SHA-256 of ``url``
    url = models.URLField(max_length=2000)
    found = models.BooleanField(default=False)
    title = models.CharField(max_length=300, blank=True)
    description = models.CharField(max_length=1000, blank=True)
    site_name = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True, default="", db_default="")  # oEmbed's, or the page's
    image = models.FileField(upload_to="previews/%Y/%m/", storage=preview_storage, max_length=300, blank=True)
    image_width = models.PositiveIntegerField(null=True, blank=True)
    image_height = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=40, blank=True)  # the safe fetcher's code, ``not_html``, ``http_status``
    fetched_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("link preview")
        verbose_name_plural = _("link previews")
        indexes = [models.Index(fields=["expires_at"], name="link_preview_expires")]

    def __str__(self) -> str:
        return self.url

    @property
    def domain(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.url).hostname or ""
