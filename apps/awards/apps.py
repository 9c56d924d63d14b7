from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "apps.awards"
    label = "awards"
    verbose_name = "表彰奖励"
    # Staff pages in the admin frame, linked from the index and sidebar (issue 12 §1).
    staff_pages = [("awards:lists", "表彰名单与统计", "awards.view_recipient"),
                   ("people:search", "人员查询(表彰与任职)", "awards.view_person")]
    role_access = {"市府办": "change", "人社": "view"}

    def ready(self) -> None:
        from apps.gazette.registry import register

        from . import gazette

        register("awards.decisions", numbers=gazette.NUMBERS, handler=gazette.parse_decision_article)

        from . import people
        from .models import PersonKey, Recipient

        people.register(PersonKey)  # moves with a merge; a split moves the key itself
        people.register(Recipient, follows_split=True)
