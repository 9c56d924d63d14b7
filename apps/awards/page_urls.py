from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("", views.lists_page, name="lists"),
    path("people/", views.people_page, name="people"),
    path("people/<int:pk>/", views.person_page, name="person"),
    path("export.xlsx", views.export_xlsx, name="export"),
]
