from django.urls import path

from . import api

app_name = "regulations_api"

urlpatterns = [
    path("documents", api.documents, name="documents"),
]
