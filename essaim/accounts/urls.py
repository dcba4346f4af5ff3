from django.urls import path

from essaim.accounts import views

app_name = "accounts"
urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("language/", views.language_set, name="language"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
