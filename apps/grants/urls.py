from django.urls import path

from . import api

app_name = "grants_api"

urlpatterns = [
    path("items", api.items, name="items"),
    path("calc", api.calc, name="calc"),
]
