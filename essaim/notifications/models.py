"""What a person is told: one row per notification, in their bell and on their notifications page."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.core.ids import time_ordered_id


class Notification(models.Model):
    """Something that happened that concerns ``recipient``, by ``actor``.

    Reactions to one post are grouped while unread: a new reaction replaces the unread row with a new
    one (on top of the list) whose ``others`` says how many other people reacted ("Léa and 4 others").
    The objects it is about go with it (a deleted post takes its notifications); the list re-checks
    that the recipient may still see the post (``selectors``), so a post hidden since shows no more.
    """

    class Kind(models.TextChoices):
        MENTION = "mention", _("Mentions")
        COMMENT = "comment", _("Comments on my posts")
        REPLY = "reply", _("Replies to my comments")
        REACTION = "reaction", _("Reactions to my posts")
        FOLLOW = "follow", _("New followers")
        INVITATION = "invitation", _("Invitations to a space")
        JOIN_REQUEST = "join_request", _("Requests to join my spaces")
        JOIN_ANSWER = "join_answer", _("Answers to my requests to join")
        ANNOUNCEMENT = "announcement", _("Announcements")
        SPACE_POST = "space_post", _("New posts in spaces I follow closely")
        REPORT_OUTCOME = "report_outcome", _("Outcomes of my reports")
        MODERATION = "moderation", _("Moderation of my posts and my account")
        EVENT = "event", _("Changes to events I answered")
        IDEA_STATUS = "idea_status", _("Answers to ideas I proposed or voted for")
        PRAISE = "praise", _("Praise I received")
        MUST_READ = "must_read", _("Reminders of announcements to confirm")

    id = models.BigIntegerField(primary_key=True, default=time_ordered_id, editable=False)
    # Indexed by ``notification_list`` and ``notification_unread``.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    others = models.PositiveIntegerField(_("others"), default=0)
    post = models.ForeignKey("stream.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    comment = models.ForeignKey("stream.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    accepted = models.BooleanField(_("accepted"), null=True, blank=True)
    # An event (``event``: None changed, False cancelled, True a place from the waiting list).
    # A report's outcome (``report_outcome``: ``accepted`` says whether action was taken) or a decision about the
    # recipient's post, comment or account (``moderation``): what was decided and why is the report's.
    report = models.ForeignKey("moderation.Report", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # What it is about, once per recipient ("comment:42"): a consumer run twice (a worker that died
    # before it could say it was done) adds nothing. Empty for grouped reactions, replaced instead.
    source = models.CharField(max_length=60, blank=True, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "source"], condition=~models.Q(source=""), name="one_notification_per_source"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_list"),
            # The bell's count and the "Unread" tab.
            models.Index(
                fields=["recipient", "-id"], condition=models.Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class Channel(models.TextChoices):
    """How a person is told of one kind of notification."""

    APP = "app", _("In the app")
    APP_AND_EMAIL = "app_email", _("In the app and by e-mail")
    NOTHING = "nothing", _("Nothing")


# What a new employee never has to touch: everything in the app, and by e-mail what waits for an answer
# or names them. Kept (not sent) until e-mail is: ``NotificationSetting`` stores only what differs.
EMAILED_KINDS = (
    Notification.Kind.MENTION,
    Notification.Kind.REPLY,
    Notification.Kind.INVITATION,
    Notification.Kind.JOIN_REQUEST,
    Notification.Kind.JOIN_ANSWER,
    Notification.Kind.MODERATION,  # a suspended person can only read it by e-mail
    Notification.Kind.EVENT,  # a cancelled or moved event: people act on it (calendar)
)
DEFAULT_CHANNELS: dict[str, str] = dict.fromkeys(Notification.Kind.values, Channel.APP.value) | dict.fromkeys(
    EMAILED_KINDS, Channel.APP_AND_EMAIL.value
)


class NotificationSetting(models.Model):
    """A person's channel for one kind of notification, only where it differs from ``DEFAULT_CHANNELS``.

    One row per (person, kind) rather than one JSON field per person: the consumer drops the people who
    turned a kind off with an indexed ``NOT EXISTS`` inside the query that picks the recipients (the same
    SQL on SQLite and PostgreSQL, no JSON operators), and changing a default later changes it for
    everyone who never chose.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Notification.Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_notification_setting_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.channel}"


class SpaceLevel(models.TextChoices):
    """What a person is told about the posts of one of their spaces."""

    EVERY_POST = "all", _("Every post")
    MENTIONS = "mentions", _("Mentions only")
    NOTHING = "nothing", _("Nothing")


DEFAULT_SPACE_LEVEL = SpaceLevel.MENTIONS


class SpaceNotificationLevel(models.Model):
    """A person's level for one space, only where it is not ``DEFAULT_SPACE_LEVEL``: "every post" (a
    ``space_post`` notification for each new post they may read) or "nothing" (no notification about the
    space's posts at all). A row outlives a membership harmlessly: "every post" also asks for one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_notification_levels", db_index=False
    )
    # Indexed by ``notification_level_space``.
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+", db_index=False)
    level = models.CharField(_("level"), max_length=10, choices=SpaceLevel.choices)

    class Meta:
        verbose_name = _("space notification level")
        verbose_name_plural = _("space notification levels")
        constraints = [models.UniqueConstraint(fields=["user", "space"], name="one_notification_level_per_space")]
        indexes = [models.Index(fields=["space", "level"], name="notification_level_space")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.space_id}: {self.level}"


class ThreadMute(models.Model):
    """A post a person muted: nothing about it reaches them any more (comments, replies, reactions,
    mentions in its comments)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_mutes", db_index=False
    )
    post = models.ForeignKey("stream.Post", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("muted thread")
        verbose_name_plural = _("muted threads")
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="one_mute_per_thread")]

    def __str__(self) -> str:
        return f"{self.user_id} muted {self.post_id}"


class Marker(models.Model):
    """Where a person stopped reading a timeline (``home`` or ``notifications``), Mastodon's markers: an app
    on their phone picks up where the one on their desktop left off. ``version`` counts the saves."""

    class Timeline(models.TextChoices):
        HOME = "home", _("home feed")
        NOTIFICATIONS = "notifications", _("notifications")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    timeline = models.CharField(_("timeline"), max_length=20, choices=Timeline)
    last_read_id = models.BigIntegerField(_("last read"))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("reading marker")
        verbose_name_plural = _("reading markers")
        constraints = [models.UniqueConstraint(fields=["user", "timeline"], name="one_marker_per_timeline")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.timeline}: {self.last_read_id}"


class Digest(models.TextChoices):
    """How often a person gets the digest of what happened in their spaces and the network."""

    NEVER = "never", _("Never")
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")


DEFAULT_DIGEST = Digest.WEEKLY


class EmailPreferences(models.Model):
    """A person's digest and quiet hours, only for those who changed them (a weekly digest and no quiet hours
    otherwise). Quiet hours are in the person's time zone (``User.timezone``); they may run over midnight
    (22:00 → 07:00). E-mails that fall in them wait for their end; the bell still counts in the app."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="email_preferences"
    )
    digest = models.CharField(_("digest"), max_length=10, choices=Digest.choices, default=DEFAULT_DIGEST)
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail preferences")
        verbose_name_plural = _("e-mail preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.digest}"


class PendingEmail(models.Model):
    """A notification still to be e-mailed to its recipient, written with it when their channel for its kind
    says so; the batch it goes out in deletes it (``emails.batches``). Grouped reactions replace their row,
    so the e-mail tells of the latest count."""

    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, primary_key=True, related_name="+")
    # Indexed by ``pending_email_recipient``.
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)  # being sent (``emails.batches``)

    class Meta:
        verbose_name = _("notification to e-mail")
        verbose_name_plural = _("notifications to e-mail")
        indexes = [models.Index(fields=["recipient", "created_at"], name="pending_email_recipient")]

    def __str__(self) -> str:
        return f"{self.notification_id} → {self.recipient_id}"
