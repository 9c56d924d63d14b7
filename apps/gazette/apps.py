from django.apps import AppConfig


class GazetteConfig(AppConfig):
    name = "apps.gazette"
    label = "gazette"
    verbose_name = "政报"
    role_access = {role: "view" for role in ["民政", "人社", "退役军人", "发改委", "医保", "市场监管",
                                             "生态环境", "资源规划", "经信", "文旅"]} | {"市府办": "change"}
