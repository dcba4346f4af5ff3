from django.urls import path

from essaim.realtime import views

app_name = "realtime"
urlpatterns = [path("live/events", views.events, name="events")]
