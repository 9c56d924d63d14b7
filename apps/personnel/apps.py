from django.apps import AppConfig


class PersonnelConfig(AppConfig):
    name = "apps.personnel"
    label = "personnel"
    verbose_name = "职务任免与领导分工"
    # Staff pages in the admin frame, linked from the index and sidebar (issue 12 §1).
    staff_pages = [("personnel:roster", "在任名册", "personnel.view_appointmentitem")]
    role_access = {"市府办": "change", "人社": "view"}

    def ready(self) -> None:
        from apps.gazette.registry import register

        from . import gazette

        register("personnel.notices", numbers=gazette.NOTICES,
                 handler=gazette.parse_notice_article)
        register("personnel.duties", numbers=gazette.DIVISIONS,
                 handler=gazette.parse_division_article)

        from apps.awards import people

        from .models import AppointmentItem, DutyAssignment

        people.register(AppointmentItem, follows_split=True)  # recorded under name + unit
        people.register(DutyAssignment)  # a name only: stays with the merged person
