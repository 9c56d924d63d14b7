from django.urls import path

from . import views

urlpatterns = [
    path("whoami", views.whoami, name="api-whoami"),
    path("worklist", views.worklist, name="api-worklist"),
]
