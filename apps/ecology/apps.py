from django.apps import AppConfig


class EcologyConfig(AppConfig):
    name = "apps.ecology"
    label = "ecology"
    verbose_name = "生态环境执法"
    # 衢政通〔2020〕1号 三(二)(三), 衢环发〔2020〕73号: 生态环境 registers machines and applies the
    # list; 市场监管 inspects with them (三(三)); 市府办 reads (issue 15 Common).
    role_access = {"生态环境": "change", "市场监管": "view", "市府办": "view"}

    def ready(self) -> None:
        from apps.gazette.registry import register

        from . import gazette

        register("ecology.restricted_zone", numbers=gazette.ZONE_NUMBERS,
                 handler=gazette.parse_zone_article)
        register("ecology.no_penalty", numbers=gazette.LIST_NUMBERS,
                 handler=gazette.parse_list_article)
