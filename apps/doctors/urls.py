from django.urls import path

from . import views

urlpatterns = [
    path("payability", views.payability, name="doctors-payability"),
    path("standing", views.standing, name="doctors-standing"),
]
