from django.urls import path

from essaim.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("menu/", views.notification_menu, name="menu"),
    path("bell/", views.notification_bell, name="bell"),
    path("read/", views.notifications_read_all, name="read-all"),
    path("settings/", views.notification_settings, name="settings"),
    path("<int:notification_id>/", views.notification_open, name="open"),
    path("<int:notification_id>/read/", views.notification_read, name="read"),
]
