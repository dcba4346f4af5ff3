from django.urls import path

from essaim.mustread import views

app_name = "mustread"
urlpatterns = [
    path("posts/<int:post_id>/must-read", views.require, name="require"),
    path("posts/<int:post_id>/read", views.confirm, name="confirm"),
    path("posts/<int:post_id>/confirmations", views.confirmations, name="confirmations"),
    path("posts/<int:post_id>/confirmations/remind", views.remind, name="remind"),
    path("posts/<int:post_id>/confirmations.csv", views.export, name="export"),
]
