from django.apps import AppConfig


class DoctorsConfig(AppConfig):
    name = "apps.doctors"
    label = "doctors"
    verbose_name = "医保协议医师"
    role_access = {"医保": "change", "市府办": "view"}

    def ready(self) -> None:
        from apps.gazette.registry import register

        from . import gazette

        register("doctors.catalogue", numbers=[gazette.NUMBER], handler=gazette.check_catalogue)
