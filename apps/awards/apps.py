from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "apps.awards"
    label = "awards"
    verbose_name = "表彰奖励"
    role_access = {"市府办": "change", "人社": "view"}

    def ready(self) -> None:
        from apps.gazette.registry import register

        from . import gazette

        register("awards.decisions", numbers=gazette.NUMBERS, handler=gazette.parse_decision_article)
