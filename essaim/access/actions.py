from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    """Everything a person may be allowed to do. Targets: an object, a model class, or ``None``."""

    # on any object
    VIEW = "view"
    EDIT = "edit"
    DELETE = "delete"
    # network level (target None)
    ADMINISTER_NETWORK = "network.administer"
    INVITE_PEOPLE = "network.invite"
    MANAGE_PEOPLE = "network.manage_people"  # deactivate, reactivate, grant roles
    READ_OUTBOX = "network.read_outbox"  # the mail kept while no mail server is configured (mailbox)
    MANAGE_BACKUPS = "network.manage_backups"  # make, list and download backup archives (backups)
    VIEW_AUDIT_LOG = "network.view_audit_log"  # read and export the log of privileged actions (audit)
    MANAGE_CHARTER = "network.manage_charter"  # publish versions of the network's usage charter (charters)
    EXPORT_CHARTER_ACCEPTANCES = "network.export_charter_acceptances"  # who accepted which charter, when
    MANAGE_NETWORK_WEBHOOKS = "network.manage_webhooks"  # network-wide outgoing webhooks (webhooks)
    VIEW_DIRECTORY = "people.directory"
    VIEW_ORG_STRUCTURE = "people.org_structure"  # the lists of departments and sites (forms, filters)
    VIEW_COMPANY_FEED = "stream.company_feed"
    READ_NOTIFICATIONS = "notifications.read"  # one's own bell and notifications page
    CHOOSE_NOTIFICATIONS = "notifications.choose"  # one's own notification settings (kinds, spaces)
    # notifications (target: a ThreadMute, the actor's for a post)
    MUTE_THREAD = "notifications.mute_thread"
    KEEP_MARKERS = "notifications.markers"  # one's own reading markers (Mastodon's /api/v1/markers)
    # people (target: a User)
    FOLLOW = "people.follow"
    VIEW_FOLLOWS = "people.view_follows"
    # stream
    CREATE_POST = "stream.create_post"
    UPLOAD_MEDIA = "stream.upload_media"
    COMMENT = "stream.comment"
    REACT = "stream.react"
    ANNOUNCE = "stream.announce"
    HIDE = "stream.hide"
    FOLLOW_TAG = "stream.follow_tag"
    # spaces (target: a Space; CREATE_SPACE targets the Space class). VIEW, DELETE, CREATE_POST (post in the
    # space), COMMENT and REACT also apply to a Space.
    CREATE_SPACE = "spaces.create"
    VIEW_MEMBERS = "spaces.view_members"
    READ_POSTS = "spaces.read_posts"
    INVITE_MEMBERS = "spaces.invite"
    APPROVE_MEMBERS = "spaces.approve"
    CHANGE_ROLE = "spaces.change_role"
    REMOVE_MEMBER = "spaces.remove_member"
    MODERATE = "spaces.moderate"
    EDIT_SETTINGS = "spaces.edit_settings"
    EDIT_CHARTER = "spaces.edit_charter"  # publish versions of the space's own usage charter (charters)
    MANAGE_WEBHOOKS = "spaces.manage_webhooks"  # the space's incoming and outgoing webhooks (webhooks)
    ARCHIVE = "spaces.archive"
    JOIN = "spaces.join"
    REQUEST_JOIN = "spaces.request_join"
    LEAVE = "spaces.leave"
    # moderation: REPORT targets a Post, a Comment or a User; MODERATE_REPORTS a Report (decide it) or None (open
    # the queue); SUSPEND a User; READ_WARNING a ModerationWarning (its person's alone)
    REPORT = "moderation.report"
    MODERATE_REPORTS = "moderation.moderate_reports"
    SUSPEND = "moderation.suspend"
    READ_WARNING = "moderation.read_warning"
