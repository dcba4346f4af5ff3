from django.urls import path

from essaim.privacy import views

app_name = "privacy"
urlpatterns = [
    path("accounts/data/", views.data, name="data"),
    path("accounts/data/<int:export_id>/download", views.download, name="download"),
    path("manage/people/<int:user_id>/erase/", views.erase, name="erase"),
]
