from django.urls import path

from . import api

app_name = "tourism_api"

urlpatterns = [
    path("free-day", api.free_day, name="free_day"),
    path("spots/<str:name>/settlement", api.settlement, name="settlement"),
]
