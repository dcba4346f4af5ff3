from django.urls import path

from essaim.mailbox import views

app_name = "mailbox"
urlpatterns = [
    path("", views.message_list, name="message-list"),
    path("<int:message_id>/", views.message_detail, name="message-detail"),
    path("<int:message_id>/html/", views.message_html, name="message-html"),
]
