from django.urls import path

from essaim.feeds import views

app_name = "feeds"
urlpatterns = [
    path("spaces/<slug:slug>/settings/feeds/", views.space_feeds, name="space-feeds"),
    path("spaces/<slug:slug>/settings/feeds/<int:feed_id>/", views.feed_edit, name="feed-edit"),
    path("spaces/<slug:slug>/settings/feeds/<int:feed_id>/fetch/", views.feed_fetch, name="feed-fetch"),
    path("spaces/<slug:slug>/settings/feeds/<int:feed_id>/remove/", views.feed_remove, name="feed-remove"),
    path("manage/feeds/", views.manage_feeds, name="manage"),
]
