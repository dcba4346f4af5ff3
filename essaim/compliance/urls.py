from django.urls import path

from essaim.compliance import views

app_name = "compliance"
urlpatterns = [
    path("manage/retention/", views.retention, name="retention"),
    path("manage/retention/<int:policy_id>/remove", views.retention_remove, name="retention-remove"),
    path("manage/legal-holds/", views.holds, name="holds"),
    path("manage/legal-holds/<int:hold_id>/release", views.hold_release, name="hold-release"),
    path("manage/compliance-exports/", views.exports, name="exports"),
    path("manage/compliance-exports/<int:export_id>/download", views.export_download, name="export-download"),
]
