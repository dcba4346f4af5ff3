from django.urls import path

from essaim.polls import views

app_name = "polls"

urlpatterns = [
    path("posts/<int:post_id>/poll/vote", views.vote, name="vote"),
]
