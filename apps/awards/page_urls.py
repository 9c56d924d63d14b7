from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("", views.lists_page, name="lists"),
    path("export.xlsx", views.export_xlsx, name="export"),
]
