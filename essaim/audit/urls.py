from django.urls import path, re_path

from essaim.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.entry_list, name="list"),
    re_path(r"^export\.(?P<fmt>csv|json)$", views.entry_export, name="export"),
]
