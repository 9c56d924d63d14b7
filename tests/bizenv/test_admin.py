"""The 营商环境 admin: pages render with history; progress is added (form or upload) through the
same service and validation as ``bizenv_progress``; exports carry Chinese headers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.bizenv.models import BizEnvProgress, BizEnvTask, Indicator, IndicatorLead
from apps.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [BizEnvTask, Indicator, IndicatorLead])
def test_pages_render_for_a_reading_bureau(gazette, client, make_staff, model):
    obj = model.objects.first()
    client.force_login(make_staff("jx", "经信"))
    base = f"admin:bizenv_{model._meta.model_name}"
    assert client.get(reverse(f"{base}_changelist")).status_code == 200
    assert client.get(reverse(f"{base}_changelist"), {"q": "市场监管"}).status_code == 200
    assert client.get(reverse(f"{base}_change", args=[obj.pk])).status_code == 200
    assert client.get(reverse(f"{base}_history", args=[obj.pk])).status_code == 200


def test_progress_through_the_admin_form(gazette, client, make_staff):
    user = make_staff("sfb", "市府办")
    client.force_login(user)
    url = reverse("admin:bizenv_bizenvprogress_add")
    task = BizEnvTask.objects.get(number=20)
    refused = client.post(url, {"task": task.pk, "kind": "withdrawn", "on": "2020-06-10", "note": ""})
    assert refused.status_code == 200 and "尚未登记完成" in refused.content.decode()
    done = client.post(url, {"task": task.pk, "kind": "completed", "on": "2020-06-10", "note": "专班已建立"})
    assert done.status_code == 302
    event = BizEnvProgress.objects.get(task=task)
    assert event.recorded_by == "sfb" and event.history.first().history_user == user
    assert AuditEvent.objects.filter(model="bizenv.BizEnvProgress", object_id=str(event.pk), actor=user).exists()


def test_upload_refuses_a_bad_file_whole_and_takes_a_good_one(gazette, client, make_staff):
    client.force_login(make_staff("sfb", "市府办"))
    url = reverse("admin:bizenv_bizenvprogress_upload")
    bad = SimpleUploadedFile("p.csv", "任务序号,完成日期,说明\n3,2020-09-30,\n99,2020-09-30,\n".encode())
    page = client.post(url, {"file": bad}).content.decode()
    assert "<td>3</td><td>任务序号</td><td>未知的任务“99”" in page and not BizEnvProgress.objects.exists()
    good = SimpleUploadedFile("p.csv", "任务序号,完成日期,说明\n3,2020-09-30,\n".encode())
    assert client.post(url, {"file": good}).status_code == 302
    assert BizEnvProgress.objects.get().task.number == 3
    template = client.get(reverse("admin:bizenv_bizenvprogress_upload_template", args=["csv"]))
    assert template.content.decode("utf-8-sig").strip() == "任务序号,完成日期,说明"


def test_a_bureau_cannot_upload(gazette, client, make_staff):
    client.force_login(make_staff("jx", "经信"))
    response = client.get(reverse("admin:bizenv_bizenvprogress_upload"))
    assert response.status_code in (302, 403)


def test_exports_have_chinese_headers(gazette):
    from apps.bizenv.resources import BizEnvTaskResource, IndicatorResource

    tasks = BizEnvTaskResource().export(BizEnvTask.objects.filter(number=20))
    assert tasks.headers == ["序号", "工作重点", "任务", "责任单位", "完成时间", "完成期限", "完成日期", "今日是否逾期"]
    assert list(tasks[0])[4:] == ["2020年5月底前", "2020-05-31", "", "是"]
    indicators = IndicatorResource().export(Indicator.objects.filter(number=9))
    assert indicators[0][2] == "王良春/市法院 市金融办/市市场监管局、市司法局等"


def test_a_file_over_the_inline_limit_is_refused_alike_on_both_import_paths(
        gazette, client, make_staff, settings, monkeypatch):
    """Review finding 1 (issue 11 §3): ``import/`` refuses what ``upload/`` refuses."""
    from apps.bizenv import imports
    from tests.core.upload_limit import both_paths_at_and_over_the_limit

    client.force_login(make_staff("sfb", "市府办"))
    both_paths_at_and_over_the_limit(
        client, settings, base="/admin/bizenv/bizenvprogress/",
        data="任务序号,完成日期,说明\n3,2020-09-30,\n".encode(), stored=BizEnvProgress.objects.count,
        service=(imports, "import_file"), monkeypatch=monkeypatch)
