from django.apps import AppConfig


def guard_doctor(sender, instance, raw: bool = False, **kwargs) -> None:
    """pre_save/pre_delete for ``Doctor``: a county user changes only doctors of their county.

    A doctor is one person across counties (arts. 8, 16) and has no region field, so the
    core guard's region path cannot express it: the doctor belongs to every county where
    they hold an agreement (``models.doctor_in_scope``)."""
    if raw:
        return
    from apps.core import authority

    from .models import doctor_in_scope

    region = authority.actor_region(authority.current_actor())
    if region is not None and not doctor_in_scope(instance, region):
        raise authority.AuthorityError(
            f"该医保医师不在{region.name}的定点医疗机构执业,您只能修改{region.name}的记录")


class DoctorsConfig(AppConfig):
    name = "apps.doctors"
    label = "doctors"
    verbose_name = "医保协议医师"
    role_access = {"医保": "change", "市府办": "view"}

    def ready(self) -> None:
        from django.db.models.signals import pre_delete, pre_save

        from apps.core import workdays
        from apps.gazette.registry import register

        from . import gazette, services
        from .models import Doctor

        # Entering a year's holiday schedule recomputes the open working-day deadlines.
        workdays.schedule_changed.connect(services.on_schedule_changed, weak=False,
                                          dispatch_uid="qzgov-doctors-deadlines")
        register("doctors.catalogue", numbers=[gazette.NUMBER], handler=gazette.check_catalogue)
        pre_save.connect(guard_doctor, sender=Doctor, dispatch_uid="qzgov-guard-save-doctors.Doctor")
        pre_delete.connect(guard_doctor, sender=Doctor,
                           dispatch_uid="qzgov-guard-delete-doctors.Doctor")
