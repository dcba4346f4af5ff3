from django.urls import path

from essaim.calendar import views

app_name = "calendar"
urlpatterns = [
    path("events/", views.my_events, name="mine"),
    path("events/<int:event_id>/", views.event_detail, name="event-detail"),
    path("events/<int:event_id>/rsvp/", views.event_rsvp, name="event-rsvp"),
    path("events/<int:event_id>/edit/", views.event_edit, name="event-edit"),
    path("events/<int:event_id>/cancel/", views.event_cancel, name="event-cancel"),
    path("events/<int:event_id>/event.ics", views.event_ics, name="event-ics"),
    path("events/calendar/", views.feed_manage, name="feed-manage"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
