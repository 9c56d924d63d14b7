from django.urls import path

from . import views

urlpatterns = [
    path("runs/<str:month>/summary", views.run_summary, name="subsidies-run-summary"),
]
