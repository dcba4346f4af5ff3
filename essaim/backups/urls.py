from django.urls import path

from essaim.backups import views

app_name = "backups"
urlpatterns = [
    path("", views.backup_list, name="list"),
    path("new/", views.backup_start, name="start"),
    path("<str:name>", views.backup_download, name="download"),
]
