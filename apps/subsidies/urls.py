from django.urls import path

from . import views

urlpatterns = [
    path("jobs/<uuid:job_id>", views.job_progress, name="subsidies-job-progress"),
    path("runs/<str:month>/summary", views.run_summary, name="subsidies-run-summary"),
]
