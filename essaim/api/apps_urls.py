from django.urls import path

from essaim.api import views

app_name = "apps"
urlpatterns = [
    path("", views.authorised_apps, name="list"),
    path("<int:application_id>/revoke/", views.authorised_app_revoke, name="revoke"),
]
