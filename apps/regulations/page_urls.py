from django.urls import path

from . import views

app_name = "regulations"

urlpatterns = [
    path("", views.document_search, name="search"),
    path("documents/<int:pk>/", views.document_detail, name="detail"),
]
