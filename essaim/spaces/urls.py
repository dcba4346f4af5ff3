from django.urls import path

from essaim.spaces.views import charter, joining, manage, pages

app_name = "spaces"
urlpatterns = [
    path("", pages.directory, name="directory"),
    path("new/", pages.space_new, name="space-new"),
    path("invitations/", joining.my_invitations, name="my-invitations"),
    path(
        "invitations/<int:invitation_id>/accept/",
        joining.invitation_answer,
        {"answer": "accept"},
        name="invitation-accept",
    ),
    path(
        "invitations/<int:invitation_id>/decline/",
        joining.invitation_answer,
        {"answer": "decline"},
        name="invitation-decline",
    ),
    path("<slug:slug>/", pages.space_detail, name="space-detail"),
    path("<slug:slug>/members/", pages.members, name="space-members"),
    path("<slug:slug>/members/<int:membership_id>/role/", manage.member_role, name="member-role"),
    path("<slug:slug>/members/<int:membership_id>/remove/", manage.member_remove, name="member-remove"),
    path("<slug:slug>/join/", joining.join, name="space-join"),
    path("<slug:slug>/request/", joining.request_join, name="space-request"),
    path("<slug:slug>/leave/", joining.leave, name="space-leave"),
    path("<slug:slug>/settings/", manage.space_settings, name="space-settings"),
    path("<slug:slug>/settings/images/", manage.space_images, name="space-images"),
    path("<slug:slug>/settings/charter/", charter.space_charter_edit, name="space-charter-edit"),
    path("<slug:slug>/charter/", charter.space_charter, name="space-charter"),
    path("<slug:slug>/settings/rules/", manage.rule_create, name="rule-create"),
    path("<slug:slug>/settings/rules/<int:rule_id>/delete/", manage.rule_delete, name="rule-delete"),
    path("<slug:slug>/archive/", manage.space_archive, name="space-archive"),
    path("<slug:slug>/delete/", manage.space_delete, name="space-delete"),
    path("<slug:slug>/requests/", manage.join_requests, name="space-requests"),
    path(
        "<slug:slug>/requests/<int:request_id>/approve/",
        manage.join_request_decide,
        {"decision": "approve"},
        name="join-request-approve",
    ),
    path(
        "<slug:slug>/requests/<int:request_id>/refuse/",
        manage.join_request_decide,
        {"decision": "refuse"},
        name="join-request-refuse",
    ),
    path("<slug:slug>/pins/<int:post_id>/", manage.post_pin, {"pin": True}, name="post-pin"),
    path("<slug:slug>/pins/<int:post_id>/remove/", manage.post_pin, {"pin": False}, name="post-unpin"),
    path("<slug:slug>/invitations/", manage.invitations, name="space-invitations"),
    path(
        "<slug:slug>/invitations/<int:invitation_id>/revoke/",
        manage.invitation_revoke,
        name="invitation-revoke",
    ),
]
