from django.urls import path

from essaim.people import views

app_name = "people"
urlpatterns = [
    path("people/", views.directory, name="directory"),
    path("@<str:handle>", views.profile, name="profile"),
]
