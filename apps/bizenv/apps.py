from django.apps import AppConfig

from apps.core.roles import ROLES


class BizEnvConfig(AppConfig):
    name = "apps.bizenv"
    label = "bizenv"
    verbose_name = "营商环境"
    # 衢政办发〔2020〕21号 三(一): 市营商办 (in 市府办) 牵头抓总 and records progress; every
    # bureau reads the plan, its own tasks and what it leads (issue 15 Common: 市府办/all).
    role_access = {**{role: "view" for role in ROLES}, "市府办": "change"}

    def ready(self) -> None:
        from apps.gazette.registry import register

        from . import gazette

        register("bizenv.plan", numbers=gazette.NUMBERS, handler=gazette.parse_plan_article)
