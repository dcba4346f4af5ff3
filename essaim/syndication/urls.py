from django.urls import path

from essaim.syndication import views

app_name = "atom"
urlpatterns = [
    path("accounts/atom/", views.my_key, name="mine"),
    path("accounts/atom/key", views.key_manage, name="key-manage"),
    path("atom/<str:token>/home.atom", views.feed, {"kind": "home"}, name="home"),
    path("atom/<str:token>/company.atom", views.feed, {"kind": "company"}, name="company"),
    path("atom/<str:token>/spaces/<str:arg>.atom", views.feed, {"kind": "space"}, name="space"),
    path("atom/<str:token>/tags/<str:arg>.atom", views.feed, {"kind": "tag"}, name="tag"),
    path("atom/<str:token>/@<str:arg>.atom", views.feed, {"kind": "person"}, name="person"),
]
