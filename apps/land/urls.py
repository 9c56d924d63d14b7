from django.urls import path

from . import api

app_name = "land_api"

urlpatterns = [
    path("compensation", api.compensation, name="compensation"),
]
