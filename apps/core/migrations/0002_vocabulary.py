"""Regions of Quzhou, the staff role groups, and known organisation aliases."""

from django.db import migrations

DIVISIONS = [
    ("330800", "衢州市", "city", ["市本级", "衢州"]),
    ("330802", "柯城区", "district", ["柯城"]),
    ("330803", "衢江区", "district", ["衢江"]),
    ("330822", "常山县", "county", ["常山"]),
    ("330824", "开化县", "county", ["开化"]),
    ("330825", "龙游县", "county", ["龙游"]),
    ("330881", "江山市", "county_city", ["江山"]),
]
FUNCTIONAL_AREAS = [("绿色产业集聚区", ["集聚区"]), ("智慧新城", [])]
GROUPS = ["市府办", "民政", "人社", "退役军人", "发改委", "医保", "市场监管", "生态环境", "审计"]

# Full names of city bodies and the abbreviations the gazette uses for them.
ORGANISATIONS = [
    ("衢州市人民政府", "government", ["市政府"]),
    ("衢州市人民政府办公室", "government", ["市府办", "市政府办公室"]),
    ("衢州市应急管理局", "department", ["市应急局"]),
    ("衢州市发展和改革委员会", "department", ["市发改委"]),
    ("衢州市民政局", "department", []),
    ("衢州市人力资源和社会保障局", "department", ["市人社局"]),
    ("衢州市退役军人事务局", "department", ["市退役军人局"]),
    ("衢州市医疗保障局", "department", ["市医保局"]),
    ("衢州市市场监督管理局", "department", ["市市场监管局", "市场监管局"]),
    ("衢州市生态环境局", "department", []),
    ("衢州市卫生健康委员会", "department", ["市卫健委"]),
    ("衢州市文化广电旅游局", "department", ["市文旅局"]),
    ("衢州市自然资源和规划局", "department", ["市资源规划局"]),
    ("衢州市住房和城乡建设局", "department", ["市住建局"]),
    ("衢州市经济和信息化局", "department", ["市经信局"]),
    ("衢州市人民医院", "hospital", []),
    ("衢州市中医医院", "hospital", []),
    ("衢州学院", "school", []),
    ("衢州职业技术学院", "school", ["衢职院"]),
]


def forwards(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    Organisation = apps.get_model("core", "Organisation")
    Alias = apps.get_model("core", "OrganisationAlias")
    Group = apps.get_model("auth", "Group")
    for code, name, kind, short in DIVISIONS:
        Region.objects.update_or_create(code=code, defaults={"name": name, "kind": kind,
                                                             "short_names": short})
    for name, short in FUNCTIONAL_AREAS:
        Region.objects.update_or_create(name=name, defaults={"kind": "functional",
                                                             "short_names": short})
    city = Region.objects.get(code="330800")
    for name, kind, aliases in ORGANISATIONS:
        org, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind, "region": city})
        for alias in aliases:
            Alias.objects.get_or_create(name=alias, defaults={"organisation": org})
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, backwards)]
