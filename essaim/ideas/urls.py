from django.urls import path

from essaim.ideas import views

app_name = "ideas"
urlpatterns = [
    path("spaces/<slug:slug>/ideas/", views.board, name="board"),
    path("spaces/<slug:slug>/ideas/enable", views.enable, name="enable"),
    path("ideas/<int:post_id>/vote", views.vote, name="vote"),
    path("ideas/<int:post_id>/status", views.status, name="status"),
]
