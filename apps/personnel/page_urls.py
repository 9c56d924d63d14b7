from django.urls import path

from . import views

app_name = "personnel"

urlpatterns = [
    path("roster/", views.roster_page, name="roster"),
]
