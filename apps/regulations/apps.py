from django.apps import AppConfig


class RegulationsConfig(AppConfig):
    name = "apps.regulations"
    label = "regulations"
    verbose_name = "规范性文件"
    role_access = {"市府办": "change", "市场监管": "change", "生态环境": "change", "发改委": "view",
                   "民政": "view", "人社": "view", "退役军人": "view", "医保": "view"}

    def ready(self) -> None:
        from apps.gazette.registry import register

        from . import gazette

        register("regulations.campaigns", numbers=gazette.CAMPAIGN_NUMBERS,
                 handler=gazette.parse_campaign)
        register("regulations.repeals", predicate=gazette.has_repeal_clause,
                 handler=gazette.parse_repeals)
