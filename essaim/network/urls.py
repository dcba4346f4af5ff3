from django.urls import path

from essaim.network import views

app_name = "network"
urlpatterns = [
    path("", views.home, name="home"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/import/", views.invitation_import, name="invitation-import"),
    path("invitations/import/<int:batch_id>/", views.invitation_import_preview, name="invitation-import-preview"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("invitations/<int:invitation_id>/resend/", views.invitation_resend, name="invitation-resend"),
    path("people/", views.people, name="people"),
    path("people/<int:user_id>/deactivate/", views.person_deactivate, name="person-deactivate"),
    path("people/<int:user_id>/reactivate/", views.person_reactivate, name="person-reactivate"),
    path("people/<int:user_id>/role/", views.person_role, name="person-role"),
    path("network/", views.network_edit, name="settings"),
]
