from django.urls import path

from essaim.charters import views

app_name = "charters"
urlpatterns = [
    path("charter/", views.charter_page, name="accept"),
    path("manage/charter/", views.manage, name="manage"),
    path("manage/charter/acceptances.csv", views.acceptances_export, name="export"),
]
