from django.apps import AppConfig


class TourismConfig(AppConfig):
    name = "apps.tourism"
    label = "tourism"
    verbose_name = "全球免费游"
    # 衢政办发〔2020〕18号 三: 市文旅局 and the counties settle the core spots' ticket losses;
    # 市府办 reads (issue 15 Common).
    role_access = {"文旅": "change", "市府办": "view"}

    def ready(self) -> None:
        from apps.gazette.registry import register

        from . import gazette

        register("tourism.free_tour", numbers=gazette.NUMBERS, handler=gazette.parse_free_tour_article)
