"""The grants admin: items render with history; 恢复 is added through the service (actor)."""

import pytest
from django.urls import reverse

from apps.core.models import AuditEvent
from apps.grants.models import GrantItem, GrantItemEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [GrantItem, GrantItemEvent])
def test_pages_render(gazette, client, make_staff, model):
    obj = model.objects.first()
    client.force_login(make_staff("jx", "经信"))
    base = f"admin:grants_{model._meta.model_name}"
    assert client.get(reverse(f"{base}_changelist")).status_code == 200
    assert client.get(reverse(f"{base}_change", args=[obj.pk])).status_code == 200
    assert client.get(reverse(f"{base}_history", args=[obj.pk])).status_code == 200


def test_resume_through_the_admin_form(gazette, client, make_staff):
    user = make_staff("jx", "经信")
    client.force_login(user)
    item = GrantItem.objects.get(key="suspended-3")
    url = reverse("admin:grants_grantitemevent_add")
    refused = client.post(url, {"item": GrantItem.objects.get(key="stopped-3").pk, "kind": "resume",
                                "on": "2020-10-01", "basis": "恢复通知"})
    assert refused.status_code == 200 and "不能恢复" in refused.content.decode()
    done = client.post(url, {"item": item.pk, "kind": "resume", "on": "2020-10-01", "basis": "恢复通知"})
    assert done.status_code == 302
    event = GrantItemEvent.objects.get(item=item, kind="resume")
    assert event.recorded_by == "jx" and event.history.first().history_user == user
    assert AuditEvent.objects.filter(model="grants.GrantItemEvent", object_id=str(event.pk), actor=user).exists()


def test_export_has_chinese_headers_and_the_status_of_today(gazette):
    from apps.grants.resources import GrantItemResource

    exported = GrantItemResource().export(GrantItem.objects.filter(key__in=["added-4", "stopped-1"]))
    assert exported.headers == ["文号", "编号", "类别", "名称", "有效期至", "今日状态"]
    rows = {row[1]: row for row in exported}
    # Today is after 2020-12-31 (三): added-4 has expired; stopped-1 stays 停止执行.
    assert rows["added-4"][2] == "新增执行" and rows["added-4"][5] == "已到期"
    assert rows["stopped-1"][5] == "停止执行"
