from django.urls import path

from essaim.stream import views

app_name = "stream"
urlpatterns = [
    path("", views.home, name="home"),
    path("company/", views.company, name="company"),
]
