from django.apps import AppConfig


class RegulationsConfig(AppConfig):
    name = "apps.regulations"
    label = "regulations"
    verbose_name = "规范性文件"
    # The registry is kept by the two bureaus whose cleanups it records (衢市监规〔2020〕1号,
    # 衢环发〔2020〕66号/73号); every other role reads it; the auditor only reads (core.roles).
    # Staff pages in the admin frame, linked from the index and sidebar (issue 12 §1).
    staff_pages = [("regulations:search", "规范性文件查询", "regulations.view_normativedocument")]
    role_access = {"市场监管": "change", "生态环境": "change", "市府办": "view", "发改委": "view",
                   "民政": "view", "人社": "view", "退役军人": "view", "医保": "view",
                   "资源规划": "view", "经信": "view", "文旅": "view"}

    def ready(self) -> None:
        from apps.gazette.registry import register

        from . import gazette, own, services

        services.connect_period_signals()

        register("regulations.campaigns", numbers=gazette.CAMPAIGN_NUMBERS,
                 handler=gazette.parse_campaign)
        register("regulations.repeals", predicate=gazette.has_repeal_clause,
                 handler=gazette.parse_repeals)
        register("regulations.own", numbers=own.OWN_NUMBERS, handler=own.parse_own,
                 registry_only=True)
