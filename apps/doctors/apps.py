from django.apps import AppConfig


class DoctorsConfig(AppConfig):
    name = "apps.doctors"
    label = "doctors"
    verbose_name = "医保协议医师"
    role_access = {"医保": "change", "市府办": "view"}

    def ready(self) -> None:
        from apps.core import workdays
        from apps.gazette.registry import register

        from . import gazette, services

        # Entering a year's holiday schedule recomputes the open working-day deadlines.
        workdays.schedule_changed.connect(services.on_schedule_changed, weak=False,
                                          dispatch_uid="qzgov-doctors-deadlines")
        register("doctors.catalogue", numbers=[gazette.NUMBER], handler=gazette.check_catalogue)
