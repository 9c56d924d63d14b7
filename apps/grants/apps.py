from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "apps.grants"
    label = "grants"
    verbose_name = "创新驱动奖补"
    # 衢政办发〔2020〕16号: 经信 vets the applications and keeps the items; 发改委 and 市府办 read
    # (issue 15 Common).
    role_access = {"经信": "change", "发改委": "view", "市府办": "view"}

    def ready(self) -> None:
        from apps.gazette.registry import register

        from . import gazette

        register("grants.items", numbers=gazette.NUMBERS, handler=gazette.parse_grants_article)
