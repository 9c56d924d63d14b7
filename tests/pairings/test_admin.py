"""The pairings admin: pages render for 市府办 and read-only for others; an activity is added
through the service, uploaded through the import's validation, voided or corrected (never
edited); exports carry Chinese headers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.core.models import AuditEvent
from apps.pairings import services
from apps.pairings.models import (
    Pairing,
    PairingActivity,
    PairingActivityVoid,
    PairingPlan,
    PairingTarget,
)

pytestmark = pytest.mark.django_db


def activity(**values):
    values = {"pairing": Pairing.objects.get(unit="巨化集团公司"), "kind": "资金",
              "on": dt.date(2020, 9, 1), "amount": Decimal("1000"), "note": "", **values}
    return services.activity_record(**values)


@pytest.mark.parametrize("model", [PairingPlan, Pairing, PairingTarget, PairingActivity,
                                   PairingActivityVoid])
def test_pages_render(plan, client, zhb, model):
    wrong = activity()
    services.activity_void(activity=wrong, reason="测试")
    obj = model.objects.first()
    client.force_login(zhb)
    base = f"admin:pairings_{model._meta.model_name}"
    assert client.get(reverse(f"{base}_changelist")).status_code == 200
    assert client.get(reverse(f"{base}_change", args=[obj.pk])).status_code == 200
    assert client.get(reverse(f"{base}_history", args=[obj.pk])).status_code == 200


def test_add_through_the_form_checks_like_the_import(plan, client, zhb):
    client.force_login(zhb)
    url = reverse("admin:pairings_pairingactivity_add")
    pairing = Pairing.objects.get(unit="巨化集团公司")
    refused = client.post(url, {"pairing": pairing.pk, "kind": "专题研究", "on": "2020-09-01",
                                "amount": "500", "note": ""})
    assert refused.status_code == 200 and "专题研究不填金额" in refused.content.decode()
    done = client.post(url, {"pairing": pairing.pk, "kind": "资金", "on": "2020-09-01",
                             "amount": "1000.50", "note": "援建"})
    assert done.status_code == 302
    saved = PairingActivity.objects.get()
    assert saved.amount == Decimal("1000.50") and saved.recorded_by == "zhb"
    assert saved.history.first().history_user == zhb
    assert AuditEvent.objects.filter(model="pairings.PairingActivity", object_id=str(saved.pk),
                                     actor=zhb).exists()
    # Never edited: the change page is read-only and the model guard refuses an ORM save.
    assert client.post(reverse("admin:pairings_pairingactivity_change", args=[saved.pk]),
                       {"note": "改"}).status_code == 403
    from apps.core.authority import AuthorityError, acting_as

    saved.note = "改"
    with acting_as(zhb), pytest.raises(AuthorityError):
        saved.save()


def test_void_and_correct_actions(plan, client, zhb):
    client.force_login(zhb)
    changelist = reverse("admin:pairings_pairingactivity_changelist")
    first, second = activity(note="一"), activity(note="二")
    client.post(changelist, {"action": "void_activities", "_selected_action": [first.pk],
                             "reason": "重复登记"})
    assert first.void.reason == "重复登记" and first.void.actor == zhb
    assert AuditEvent.objects.filter(action="void", object_id=str(first.pk)).exists()
    client.post(changelist, {"action": "correct_activity", "_selected_action": [second.pk],
                             "reason": "金额有误", "new_amount": "2000", "new_kind": "",
                             "new_on": "", "new_note": ""})
    second.refresh_from_db()
    replacement = second.void.replacement
    assert replacement.amount == Decimal("2000.00") and replacement.note == "二"
    assert replacement.on == second.on and replacement.kind == "资金"
    assert PairingActivityVoid.objects.count() == 2


def test_a_mistyped_corrected_amount_is_named(plan, client, zhb):
    """A mistyped 更正后金额 reaches the action, which names the field (not Django's
    “未选择动作”); nothing is voided."""
    client.force_login(zhb)
    row = activity(note="一")
    page = client.post(reverse("admin:pairings_pairingactivity_changelist"), {
        "action": "correct_activity", "_selected_action": [row.pk], "reason": "金额有误",
        "new_amount": "两千", "new_kind": "", "new_on": "", "new_note": ""}, follow=True)
    text = page.content.decode()
    assert "未选择动作" not in text and "更正后金额:" in text
    assert not PairingActivityVoid.objects.exists()


def test_upload_uses_the_import_validation(plan, client, zhb, make_staff):
    url = reverse("admin:pairings_pairingactivity_upload")
    client.force_login(zhb)
    form = client.get(url).content.decode()
    assert "导入帮扶活动" in form and "结对单位,日期,类型,金额,说明" in form
    from tests.core.test_frame import framed

    assert framed(form) == []  # in the admin frame (title, sidebar, breadcrumbs, one h1)
    bad = SimpleUploadedFile("a.csv", "结对单位,日期,类型,金额,说明\n无此单位,2020-09-01,资金,1,\n".encode())
    page = client.post(url, {"file": bad}).content.decode()
    assert "<td>2</td><td>结对单位</td><td>未知的结对单位“无此单位”" in page
    good = SimpleUploadedFile("b.csv", "结对单位,日期,类型,金额,说明\n市城投集团,2020-09-01,资金,1,\n".encode())
    assert client.post(url, {"file": good}).status_code == 302
    assert PairingActivity.objects.get().source == "b.csv"
    client.force_login(make_staff("mz", "民政"))
    assert client.get(url).status_code == 302  # no add permission: back to the list


def test_target_names_by_staff(plan, client, zhb):
    client.force_login(zhb)
    target = PairingTarget.objects.get(pairing__unit="巨化集团公司", ordinal=2)
    page = reverse("admin:pairings_pairingtarget_change", args=[target.pk])
    assert client.post(page, {"name": "某连"}).status_code == 302
    target.refresh_from_db()
    assert target.name == "某连" and str(target) == "一师四团某连"


def test_exports_have_chinese_headers(plan):
    from apps.pairings.resources import PairingActivityResource, PairingResource

    activity(note="援建")
    exported = PairingActivityResource().export(PairingActivity.objects.all())
    assert exported.headers == ["结对单位", "日期", "类型", "金额", "说明", "已作废"]
    assert list(exported[0])[:3] == ["巨化集团公司", "2020-09-01", "资金"]
    pairings = PairingResource().export(Pairing.objects.filter(position=2))
    assert pairings.headers == ["序号", "结对单位", "对应单位", "结对帮扶安排", "结对对象"]
    assert list(pairings[0])[-1] == "一师四团连队1(未填名称)、一师四团连队2(未填名称)"


def test_a_file_over_the_inline_limit_is_refused_alike_on_both_import_paths(
        plan, client, zhb, settings, monkeypatch):
    """Review finding 1 (issue 11 §3): ``import/`` refuses what ``upload/`` refuses."""
    from apps.pairings import imports
    from tests.core.upload_limit import both_paths_at_and_over_the_limit

    client.force_login(zhb)
    both_paths_at_and_over_the_limit(
        client, settings, base="/admin/pairings/pairingactivity/",
        data="结对单位,日期,类型,金额,说明\n巨化集团公司,2020-09-01,资金,120000,援建资金\n".encode(),
        stored=PairingActivity.objects.count, service=(imports, "import_file"),
        monkeypatch=monkeypatch)
