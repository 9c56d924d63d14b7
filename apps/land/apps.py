from django.apps import AppConfig


class LandConfig(AppConfig):
    name = "apps.land"
    label = "land"
    verbose_name = "征地补偿"
    # 衢政发〔2020〕16号 七: 市资源规划 keeps the standards; 市府办 reads them (issue 15 Common).
    role_access = {"资源规划": "change", "市府办": "view"}

    def ready(self) -> None:
        from apps.gazette.registry import register

        from . import gazette

        register("land.compensation", numbers=gazette.NUMBERS, handler=gazette.parse_policy_article)
