from django.apps import AppConfig


class PersonnelConfig(AppConfig):
    name = "apps.personnel"
    label = "personnel"
    verbose_name = "职务任免与领导分工"
    role_access = {"市府办": "change", "人社": "view"}
