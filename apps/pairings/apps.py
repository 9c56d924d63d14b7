from django.apps import AppConfig

from apps.core.roles import ROLES


class PairingsConfig(AppConfig):
    name = "apps.pairings"
    label = "pairings"
    verbose_name = "援疆帮扶结对"
    # 衢政办发〔2020〕17号 三(二)(三): 市援疆指挥部 (市府办) keeps the pairings and logs what the
    # units report; every other role reads (issue 15 Common: ``pairings`` 市府办/all).
    role_access = {**{role: "view" for role in ROLES}, "市府办": "change"}

    def ready(self) -> None:
        from apps.gazette.registry import register

        from . import gazette

        register("pairings.plan", numbers=gazette.NUMBERS, handler=gazette.parse_pairings_article,
                 late=True)  # links units to organisations 21号 may create
