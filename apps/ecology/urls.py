from django.urls import path

from . import api

app_name = "ecology_api"

urlpatterns = [
    path("machines/check", api.machine_check, name="machine_check"),
    path("no-penalty", api.no_penalty, name="no_penalty"),
    path("no-penalty/items", api.no_penalty_items, name="no_penalty_items"),
]
