from django.urls import path

from essaim.search import views

app_name = "search"
urlpatterns = [
    path("", views.results, name="results"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("experts/", views.experts, name="experts"),
]
