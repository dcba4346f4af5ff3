from django.urls import path

from essaim.moderation import views

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("reports/<int:report_id>/decide/", views.report_decide, name="report-decide"),
    path("waiting/<int:post_id>/decide/", views.approval_decide, name="approval-decide"),
    path("report/post/<int:post_id>/", views.report_post, name="report-post"),
    path("report/comment/<int:comment_id>/", views.report_comment, name="report-comment"),
    path("report/person/<str:handle>/", views.report_person, name="report-person"),
    path("warnings/", views.warning_list, name="warnings"),
    path("warnings/<int:warning_id>/read/", views.warning_read, name="warning-read"),
]
