from django.urls import path

from . import api

app_name = "bizenv_api"

urlpatterns = [
    path("tasks", api.tasks, name="tasks"),
    path("indicators", api.indicators, name="indicators"),
]
