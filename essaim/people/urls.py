from django.urls import path

from essaim.people import views

app_name = "people"
urlpatterns = [
    path("people/", views.directory, name="directory"),
    path("people/suggestions", views.suggestions, name="suggestions"),
    path("people/me/edit", views.my_profile_edit, name="me-edit"),
    path("people/me/first-steps/dismiss", views.first_steps_dismiss, name="first-steps-dismiss"),
    path("people/fields/", views.field_list, name="field-list"),
    path("people/fields/<int:field_id>/edit", views.field_edit, name="field-edit"),
    path("people/fields/<int:field_id>/delete", views.field_delete, name="field-delete"),
    path("@<str:handle>", views.profile, name="profile"),
    path("@<str:handle>/edit", views.profile_edit, name="profile-edit"),
    path("@<str:handle>/org", views.org_chart, name="org-chart"),
    path("@<str:handle>/follow", views.follow, name="follow"),
    path("@<str:handle>/unfollow", views.unfollow, name="unfollow"),
    path("@<str:handle>/followers", views.followers, name="followers"),
    path("@<str:handle>/following", views.following, name="following"),
]
