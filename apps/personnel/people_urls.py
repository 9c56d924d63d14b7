"""The person pages (issue 14 §5: people are not an awards concept), mounted at their first
address ``/awards/people/`` by ``qzgov/urls.py``."""

from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.people_page, name="search"),
    path("<int:pk>/", views.person_page, name="person"),
]
