from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "apps.subsidies"
    label = "subsidies"
    verbose_name = "价格临时补贴"
    # Staff pages in the admin frame, linked from the index and sidebar (issue 12 §1).
    staff_pages = [("subsidies-runs", "价格补贴月度测算", "subsidies.view_subsidyrun")]
    role_access = {"民政": "change", "人社": "change", "退役军人": "change", "发改委": "change",
                   "市府办": "view"}

    def ready(self) -> None:
        from apps.core import authority
        from apps.gazette.registry import register

        # Approving a roll is city level whatever the group grants (issue 9 §3).
        authority.CITY_LEVEL_PERMISSIONS.add("subsidies.approve_subsidyrun")

        from . import signals

        signals.connect()

        from .gazette import NUMBER, parse_policy

        register("subsidies.policy", numbers=[NUMBER], handler=parse_policy)
