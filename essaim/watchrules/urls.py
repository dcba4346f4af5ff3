from django.urls import path

from essaim.watchrules import views

app_name = "watchrules"
urlpatterns = [
    path("", views.rule_list, name="list"),
    path("new/", views.rule_create, name="rule-create"),
    path("<int:rule_id>/", views.rule_edit, name="rule-edit"),
    path("<int:rule_id>/active/", views.rule_toggle, name="rule-toggle"),
    path("<int:rule_id>/delete/", views.rule_delete, name="rule-delete"),
    path("queue/", views.queue, name="queue"),
    path("queue/<int:hit_id>/", views.hit_decide, name="hit-decide"),
]
