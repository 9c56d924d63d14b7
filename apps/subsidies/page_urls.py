from django.urls import path

from . import views

urlpatterns = [
    path("runs/<str:month>/", views.run_page, name="subsidies-run-page"),
    path("runs/<str:month>/roll.csv", views.run_roll, name="subsidies-run-roll"),
    path("runs/<str:month>/report.xlsx", views.run_report, name="subsidies-run-report"),
]
