from django.urls import path

from . import views

urlpatterns = [
    path("jobs/run/", views.start_run, name="subsidies-start-run"),
    path("jobs/<uuid:job_id>/", views.job_page, name="subsidies-job-page"),
    path("runs/", views.runs_latest, name="subsidies-runs"),
    path("runs/<str:month>/", views.run_page, name="subsidies-run-page"),
    path("runs/<str:month>/roll.csv", views.run_roll, name="subsidies-run-roll"),
    path("runs/<str:month>/roll.xlsx", views.run_roll, {"fmt": "xlsx"},
         name="subsidies-run-roll-xlsx"),
    path("runs/<str:month>/report.xlsx", views.run_report, name="subsidies-run-report"),
]
