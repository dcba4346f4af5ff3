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
    VIEW_ALL_FEEDS = "network.view_feeds"  # every space's feeds and their health, at /manage/feeds/ (feeds)
    MANAGE_CHARTER = "network.manage_charter"  # publish versions of the network's usage charter (charters)
    EXPORT_CHARTER_ACCEPTANCES = "network.export_charter_acceptances"  # who accepted which charter, when
    ERASE_PEOPLE = "network.erase_people"  # erase or anonymise an account (privacy)
    EXPORT_OWN_DATA = "network.export_own_data"  # ask for and download an archive of one's own data (privacy)
    MANAGE_NETWORK_WEBHOOKS = "network.manage_webhooks"  # network-wide outgoing webhooks (webhooks)
    MANAGE_WATCH_RULES = "network.manage_watch_rules"  # write, disable, delete watch rules (watchrules)
    REVIEW_WATCH_HITS = "network.review_watch_hits"  # the compliance queue: held posts, reported matches (watchrules)
    # compliance (issue 21 item 6): retention policies are the network administrators'; legal holds theirs and
    # the compliance officers'; compliance exports the compliance officers' (a ComplianceExport is VIEWed, i.e.
    # downloaded, by whoever asked for it)
    MANAGE_RETENTION = "compliance.manage_retention"
    SET_LEGAL_HOLD = "compliance.set_legal_hold"
    EXPORT_COMPLIANCE = "compliance.export"
    MANAGE_SCIM_TOKENS = "network.manage_scim_tokens"  # create, list and revoke the directory's SCIM tokens (scim)
    # add, change, test and delete the OpenID Connect and SAML providers (oidc, saml); set up, test and sync the
    # LDAP directory (ldap)
    MANAGE_SSO = "network.manage_sso"
    # create, update, deactivate people and departments from the company's directory: a SCIM token only (scim)
    PROVISION_PEOPLE = "network.provision_people"
    VIEW_DIRECTORY = "people.directory"
    SEARCH = "search.search"  # the search page, its suggestions and the API's (results: what the reader may see)
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
    REMOVE_LINK_PREVIEW = "stream.remove_link_preview"  # take the card of a link off a post (its author)
    BOOKMARK = "stream.bookmark"  # save a post one may read for later, or unsave it (one's own "Saved" list)
    MUTE_SOURCE = "stream.mute_source"  # mute a feed, an integration or a space's automated posts for oneself
    # questions and polls (target: the question's or the poll's Post; ``rules/questions.py``)
    VOTE_ANSWER = "questions.vote_answer"  # vote an answer (a top-level comment) up, or take the vote back
    ACCEPT_ANSWER = "questions.accept_answer"  # mark or unmark the accepted answer
    FOLLOW_QUESTION = "questions.follow"  # be told of its new answers
    VOTE_POLL = "polls.vote"  # vote, or change one's vote until the poll closes
    # spaces (target: a Space; CREATE_SPACE targets the Space class). VIEW, DELETE, CREATE_POST (post in the
    # space), COMMENT and REACT also apply to a Space.
    CREATE_SPACE = "spaces.create"
    VIEW_MEMBERS = "spaces.view_members"
    READ_POSTS = "spaces.read_posts"
    INVITE_MEMBERS = "spaces.invite"
    APPROVE_MEMBERS = "spaces.approve"
    CHANGE_ROLE = "spaces.change_role"
    REMOVE_MEMBER = "spaces.remove_member"
    MODERATE = "spaces.moderate"  # also: approve or reject the posts waiting for approval
    PUBLISH_DIRECTLY = "spaces.publish_directly"  # post without waiting for approval (``Space.post_approval``)
    EDIT_SETTINGS = "spaces.edit_settings"
    EDIT_CHARTER = "spaces.edit_charter"  # publish versions of the space's own usage charter (charters)
    MANAGE_FEEDS = "spaces.manage_feeds"  # subscribe the space to RSS/Atom feeds, change, pause, remove them (feeds)
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
    # calendar: RSVP, EDIT_EVENT, CANCEL_EVENT and VIEW_ATTENDEES target an Event; KEEP_CALENDAR_FEED is network
    # level (one's own secret calendar address)
    RSVP = "calendar.rsvp"
    EDIT_EVENT = "calendar.edit_event"
    CANCEL_EVENT = "calendar.cancel_event"
    VIEW_ATTENDEES = "calendar.view_attendees"
    KEEP_CALENDAR_FEED = "calendar.feed"
    # Atom feeds out: one's own secret key for feed readers (network level; ``rules/personal_keys.py``)
    KEEP_ATOM_FEED = "syndication.atom_key"
    # idea boxes: ENABLE_IDEAS targets a Space (turn its idea box on or off); VOTE_IDEA and SET_IDEA_STATUS an Idea
    ENABLE_IDEAS = "ideas.enable"
    VOTE_IDEA = "ideas.vote"
    SET_IDEA_STATUS = "ideas.set_status"
    # praise: GIVE_PRAISE is a network right (target None); a Praise is VIEWed with its post
    GIVE_PRAISE = "praise.give"
    # must-read announcements: REQUIRE_READ targets a Post (ask its audience to confirm); the others a MustRead
    REQUIRE_READ = "mustread.require"
    CONFIRM_READ = "mustread.confirm"
    VIEW_CONFIRMATIONS = "mustread.view_confirmations"  # who confirmed, who has not, the CSV
    REMIND_UNCONFIRMED = "mustread.remind"
