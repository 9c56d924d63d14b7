from django.urls import path

from . import views

app_name = "personnel_api"

urlpatterns = [
    path("roster", views.roster_api, name="roster"),
    path("duties", views.duties_api, name="duties"),
]
