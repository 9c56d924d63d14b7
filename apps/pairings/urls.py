from django.urls import path

from . import api

app_name = "pairings_api"

urlpatterns = [
    path("", api.pairings, name="pairings"),
]
