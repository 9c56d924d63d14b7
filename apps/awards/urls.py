from django.urls import path

from . import views

app_name = "awards_api"

urlpatterns = [
    path("honours", views.honours_api, name="honours"),
    path("decisions/<str:number>", views.decision_api, name="decision"),
]
