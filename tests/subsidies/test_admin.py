"""Admin screens: every model's list opens, region scope, masked IDs, approval buttons, imports."""


import pytest

from apps.core import resident_id
from apps.subsidies import services
from apps.subsidies.models import Beneficiary, MonthlyIndex, RunStatus, SubsidyRun

from .conftest import JUNE

MODELS = ["policyversion", "localstandard", "monthlyindex", "beneficiary", "enrolment",
          "university", "subsidyrun", "rollline", "universityline"]


@pytest.fixture
def june_run(standards, set_index, person):
    set_index(JUNE, "3.6", "11.1")
    person("330802", "urban", "dibao", name="柯城对象")
    person("330881", "rural", "dibao", name="江山对象")
    return services.run_compute(month=JUNE)


@pytest.mark.parametrize("model", MODELS)
def test_every_list_opens_for_minzheng(client, june_run, minzheng_user, model):
    client.force_login(minzheng_user)
    assert client.get(f"/admin/subsidies/{model}/").status_code == 200


def test_county_user_sees_only_own_region(client, june_run, kecheng_user):
    client.force_login(kecheng_user)
    html = client.get("/admin/subsidies/beneficiary/").content.decode()
    assert "柯城对象" in html and "江山对象" not in html
    lines = client.get("/admin/subsidies/rollline/").content.decode()
    assert "柯城对象" in lines and "江山对象" not in lines


def test_beneficiary_list_masks_ids_and_searches_by_full_number(client, june_run, minzheng_user):
    client.force_login(minzheng_user)
    b = Beneficiary.objects.get(name="柯城对象")
    html = client.get("/admin/subsidies/beneficiary/").content.decode()
    assert resident_id.mask(b.resident_id) in html and b.resident_id not in html
    # The search lands on a digest-keyed address (issue 11 §4), then finds the person.
    response = client.get("/admin/subsidies/beneficiary/", {"q": b.resident_id}, follow=True)
    assert b.resident_id not in response.redirect_chain[-1][0]
    found = response.content.decode()
    assert "柯城对象" in found and "江山对象" not in found


def test_approval_buttons_walk_the_steps(client, june_run, make_staff):
    preparer, approver = make_staff("p", "民政"), make_staff("a", "发改委")
    client.force_login(preparer)
    client.post(f"/admin/subsidies/subsidyrun/{june_run.pk}/step/submit/")
    client.post(f"/admin/subsidies/subsidyrun/{june_run.pk}/step/approve/")  # refused: own roll
    assert SubsidyRun.objects.get(pk=june_run.pk).status == RunStatus.SUBMITTED
    client.force_login(approver)
    page = client.get(f"/admin/subsidies/subsidyrun/{june_run.pk}/change/").content.decode()
    assert "审核通过" in page
    client.post(f"/admin/subsidies/subsidyrun/{june_run.pk}/step/approve/")
    assert SubsidyRun.objects.get(pk=june_run.pk).status == RunStatus.APPROVED


def test_auditor_cannot_approve(client, june_run, auditor_user, make_staff):
    services.run_submit(run=june_run, by=make_staff("p", "民政"))
    client.force_login(auditor_user)
    response = client.post(f"/admin/subsidies/subsidyrun/{june_run.pk}/step/approve/")
    assert response.status_code == 403
    assert SubsidyRun.objects.get(pk=june_run.pk).status == RunStatus.SUBMITTED


def test_compute_button(client, standards, set_index, fagaiwei_user):
    set_index(JUNE, "2.9", "5.9")
    client.force_login(fagaiwei_user)
    client.post("/admin/subsidies/subsidyrun/compute/", {"month": "2020-06"})
    assert SubsidyRun.objects.get(month=JUNE).triggered is False


def test_index_entered_in_admin_records_who(client, fagaiwei_user, django_capture_on_commit_callbacks):
    client.force_login(fagaiwei_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/admin/subsidies/monthlyindex/add/",
                    {"month": "2020-06-01", "scpi": "3.6", "cpi_food": "11.1"})
    index = MonthlyIndex.objects.get(month=JUNE)
    assert index.entered_by == fagaiwei_user and len(callbacks) == 1


def test_run_page_shows_steps_rates_and_totals_as_tables(client, june_run, minzheng_user):
    """Issue 13 §1: the run's steps, rate table and totals (八: 人次和金额 per county ×
    department × category) are plain tables, not read-only inline formsets."""
    client.force_login(minzheng_user)
    page = client.get(f"/admin/subsidies/subsidyrun/{june_run.pk}/change/").content.decode()
    tables = {title: page.split(f"<h2>{title}</h2>")[1].split("</fieldset>")[0]
              for title in ("流转记录", "适用标准", "测算汇总")}
    assert "TOTAL_FORMS" not in page
    assert tables["流转记录"].count("<tr>") == 1 + june_run.events.count()
    assert tables["适用标准"].count("<tr>") == 1 + june_run.rates.count()
    totals = tables["测算汇总"]
    assert totals.count("<tr>") == 1 + 2  # header, 柯城区 and 江山市 (one 低保 person each)
    rows = [f"<tr><td>{t.region}</td><td>民政部门</td><td>低保</td><td>1</td><td>{t.amount}</td></tr>"
            for t in june_run.totals.select_related("region").order_by("region__code")]
    assert [t.split("<td>")[1] for t in rows] == ["柯城区(330802)</td>", "江山市(330881)</td>"]
    assert totals.index(rows[0]) < totals.index(rows[1])  # by region code, as the report


def test_a_table_is_shown_only_to_who_may_view_its_rows(client, june_run, minzheng_user):
    """Review finding (session 8): a read-only table checks its rows' permission as the inline
    it replaced did — without 查看/修改测算汇总 the page has no 测算汇总, the rest stays."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    permissions = Permission.objects.filter(codename__in=["view_runtotal", "change_runtotal"])
    user = get_user_model().objects.get(pk=minzheng_user.pk)
    assert user.has_perm("subsidies.view_runtotal")
    for group in user.groups.all():
        group.permissions.remove(*permissions)
    user.user_permissions.remove(*permissions)
    user = get_user_model().objects.get(pk=minzheng_user.pk)
    assert not user.has_perm("subsidies.view_runtotal")
    assert not user.has_perm("subsidies.change_runtotal")
    client.force_login(user)
    page = client.get(f"/admin/subsidies/subsidyrun/{june_run.pk}/change/").content.decode()
    assert "<h2>流转记录</h2>" in page and "<h2>适用标准</h2>" in page
    assert "<h2>测算汇总</h2>" not in page
    # change without view is enough, as for an inline (review finding, session 9)
    user.user_permissions.add(Permission.objects.get(codename="change_runtotal"))
    user = get_user_model().objects.get(pk=minzheng_user.pk)
    client.force_login(user)
    page = client.get(f"/admin/subsidies/subsidyrun/{june_run.pk}/change/").content.decode()
    assert "<h2>测算汇总</h2>" in page
