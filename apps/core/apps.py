from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "基础数据"
    role_access = {role: "view" for role in ["市府办", "民政", "人社", "退役军人", "发改委", "医保",
                                             "市场监管", "生态环境", "资源规划", "经信", "文旅"]}

    def ready(self) -> None:
        from simple_history.signals import post_create_historical_record

        from . import audit, audit_signals, authority, labels, roles

        post_create_historical_record.connect(audit.on_history_record,
                                              dispatch_uid="qzgov-audit-history")
        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="qzgov-role-perms")
        audit_signals.connect()
        authority.connect_guards()
        labels.name_third_party_apps()
        labels.use_chinese_history_values()

        from .admin_tools import refuse_history_revert

        refuse_history_revert()

        from .exporting import install_admin_exports

        install_admin_exports()

        from .models import WorkdayOverride, WorkdaySchedule
        from .workdays import clear_cache

        for model in (WorkdaySchedule, WorkdayOverride):
            for signal in (post_save, post_delete):
                signal.connect(lambda **kwargs: clear_cache(), sender=model, weak=False,
                               dispatch_uid=f"qzgov-workdays-{model.__name__}-{signal is post_save}")

