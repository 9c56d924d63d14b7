"""Tourism admin: 文旅 keeps, 市府办 reads, county staff see and write their own spots only;
the weekend date is a dated, audited staff decision; settlement rows are never edited."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.models import AuditEvent
from apps.tourism import services
from apps.tourism.models import (
    FreeTourYear,
    ScenicSpot,
    SettlementStatement,
    SpotClosure,
    SpotSettlement,
)

from .conftest import D

pytestmark = pytest.mark.django_db


def test_wenlv_sets_the_weekend_date_with_a_basis_and_it_is_audited(programme, client, wenlv):
    client.force_login(wenlv)
    url = f"/admin/tourism/freetouryear/{programme.pk}/change/"
    refused = client.post(url, {"weekend_extension_from": "2020-09-01", "weekend_extension_basis": ""})
    assert refused.status_code == 200 and FreeTourYear.objects.get().weekend_extension_from is None
    response = client.post(url, {"weekend_extension_from": "2020-09-01",
                                 "weekend_extension_basis": "市文旅局通知(测试)"})
    assert response.status_code == 302
    assert FreeTourYear.objects.get().weekend_extension_from == D(2020, 9, 1)
    event = AuditEvent.objects.filter(model="tourism.FreeTourYear", action="update").latest("pk")
    assert "2020-09-01" in event.note and event.actor == wenlv


def test_outside_the_year_is_refused(programme):
    with pytest.raises(services.Refused):
        services.weekend_extension_set(programme=programme, starts_on=D(2021, 1, 2), basis="x")


def test_county_user_sees_only_its_spots(programme, client, wenlv, wenlv_jiangshan, jiangshan):
    client.force_login(wenlv)
    spot = ScenicSpot.objects.get(name="江郎山")
    response = client.post(f"/admin/tourism/scenicspot/{spot.pk}/change/", {"region": jiangshan.pk})
    assert response.status_code == 302 and ScenicSpot.objects.get(pk=spot.pk).region == jiangshan
    client.force_login(wenlv_jiangshan)
    page = client.get("/admin/tourism/scenicspot/").content.decode()
    assert "江郎山" in page and "烂柯山" not in page
    other = ScenicSpot.objects.get(name="烂柯山")
    assert client.get(f"/admin/tourism/scenicspot/{other.pk}/change/").status_code in (302, 404)


def test_settlement_rows_are_read_only_and_uploads_use_the_import_validation(programme, client, wenlv):
    client.force_login(wenlv)
    bad = SimpleUploadedFile("s.csv", "景区,年度,2019年补助额,日均门票收入,奖补比例,游客人数\n烂柯山,2020,1,1,2,1\n"
                             .encode())
    page = client.post("/admin/tourism/spotsettlement/upload/", {"file": bad}).content.decode()
    assert "<tr><td>2</td><td>奖补比例</td>" in page and SpotSettlement.objects.count() == 0
    good = SimpleUploadedFile("s.csv", "景区,年度,2019年补助额,日均门票收入,奖补比例,游客人数\n烂柯山,2020,1,1,1,1\n"
                              .encode())
    assert client.post("/admin/tourism/spotsettlement/upload/", {"file": good}).status_code == 302
    row = SpotSettlement.objects.get()
    assert row.base_2019 == Decimal(1)
    response = client.post(f"/admin/tourism/spotsettlement/{row.pk}/change/", {
        "spot": row.spot_id, "year": 2020, "base_2019": "999", "daily_ticket_income": "1",
        "reward_ratio": "1", "visitors": "1"})
    assert response.status_code in (302, 403) and SpotSettlement.objects.get().base_2019 == Decimal(1)


def test_closure_upload_page_and_list(programme, client, wenlv):
    client.force_login(wenlv)
    assert "景区,起,止" in client.get("/admin/tourism/spotclosure/upload/").content.decode()
    good = SimpleUploadedFile("c.csv", "景区,起,止\n烂柯山,2020-02-01,2020-02-03\n".encode())
    assert client.post("/admin/tourism/spotclosure/upload/", {"file": good}).status_code == 302
    assert SpotClosure.objects.count() == 1
    assert "整表上传" in client.get("/admin/tourism/spotclosure/").content.decode()


def test_shifuban_reads_only(programme, client, make_staff):
    client.force_login(make_staff("sfb", "市府办"))
    assert client.get("/admin/tourism/scenicspot/").status_code == 200
    assert client.get("/admin/tourism/spotclosure/upload/").status_code == 302  # 无权导入
    assert SpotClosure.objects.count() == 0


# --- one rule, one place: the admin form refuses what the import refuses ---------------------

SETTLEMENT_HEADER = "景区,年度,2019年补助额,日均门票收入,奖补比例,游客人数\n"
REFUSED_ROWS = [
    # (import line, admin form values, the field the form names, what both say)
    ("烂柯山,2021,1,1,0.5,1", {"year": "2021"}, "year", "不在2021年免费游活动方案中"),
    ("烂柯山,2020,,,,", {"base_2019": "", "daily_ticket_income": "", "reward_ratio": "", "visitors": ""},
     "base_2019", "不能全部为空"),
    ("烂柯山,2020,1,1,1.5,1", {"reward_ratio": "1.5"}, "reward_ratio", "0至1之间"),  # 四(二)
    # The form's decimal field (4 places) refuses this before the check, in Django's words.
    ("烂柯山,2020,1,1,0.12345,1", {"reward_ratio": "0.12345"}, "reward_ratio", "四位小数"),
]
FORM_FIELD_REFUSES = {"0.12345"}


@pytest.mark.parametrize(("line", "changes", "field", "message"), REFUSED_ROWS)
def test_the_settlement_form_refuses_what_the_import_refuses(programme, client, wenlv, line, changes,
                                                             field, message):
    from apps.core.tabular import ImportRejected
    from apps.tourism import imports

    with pytest.raises(ImportRejected) as refused:
        imports.validate_settlements((SETTLEMENT_HEADER + line + "\n").encode(), "s.csv")
    assert message in str(refused.value.errors[0])
    client.force_login(wenlv)
    values = {"spot": ScenicSpot.objects.get(name="烂柯山").pk, "year": "2020", "base_2019": "1",
              "daily_ticket_income": "1", "reward_ratio": "0.5", "visitors": "1", **changes}
    response = client.post("/admin/tourism/spotsettlement/add/", values)
    assert response.status_code == 200 and SpotSettlement.objects.count() == 0
    errors = response.context["adminform"].form.errors[field]
    assert errors and (set(changes.values()) & FORM_FIELD_REFUSES or any(message in e for e in errors))


def test_a_non_core_spot_is_refused_by_both(programme):
    from apps.core.tabular import ImportRejected
    from apps.tourism import imports
    from apps.tourism.admin import SettlementForm

    with pytest.raises(ImportRejected) as refused:
        imports.validate_settlements((SETTLEMENT_HEADER + "水亭门,2020,1,1,0.5,1\n").encode(), "s.csv")
    assert "不是核心收费景区" in str(refused.value.errors[0])
    form = SettlementForm({"spot": ScenicSpot.objects.get(name="水亭门").pk, "year": "2020",
                           "base_2019": "1", "daily_ticket_income": "1", "reward_ratio": "0.5"})
    assert not form.is_valid() and "不是核心收费景区" in str(form.errors["spot"])


def test_the_closure_form_refuses_a_recorded_closure_like_the_import(programme, client, wenlv):
    spot = ScenicSpot.objects.get(name="烂柯山")
    services.closures_record(rows=[{"spot": spot, "starts_on": D(2020, 2, 1), "ends_on": D(2020, 2, 3),
                                    "note": ""}])
    client.force_login(wenlv)
    response = client.post("/admin/tourism/spotclosure/add/", {
        "spot": spot.pk, "starts_on": "2020-02-01", "ends_on": "2020-02-03", "note": ""})
    assert response.status_code == 200 and "已登记" in response.content.decode()
    assert SpotClosure.objects.count() == 1


def test_closures_are_voided_or_corrected_through_the_actions(programme, client, wenlv):
    spot = ScenicSpot.objects.get(name="烂柯山")
    closure = services.closures_record(rows=[{"spot": spot, "starts_on": D(2020, 2, 1),
                                              "ends_on": D(2020, 2, 3), "note": ""}])[0]
    client.force_login(wenlv)
    edit = client.post(f"/admin/tourism/spotclosure/{closure.pk}/change/", {
        "spot": spot.pk, "starts_on": "2020-02-01", "ends_on": "2020-02-09", "note": ""})
    assert edit.status_code in (200, 302, 403) and SpotClosure.objects.get().ends_on == D(2020, 2, 3)
    client.post("/admin/tourism/spotclosure/", {
        "action": "correct_closure", "_selected_action": [closure.pk], "reason": "止日有误",
        "new_ends_on": "2020-02-05"})
    closure.refresh_from_db()
    assert closure.void.replacement.ends_on == D(2020, 2, 5) and closure.void.reason == "止日有误"
    client.post("/admin/tourism/spotclosure/", {
        "action": "void_closures", "_selected_action": [closure.void.replacement.pk], "reason": "未关闭"})
    assert SpotClosure.objects.filter(void__isnull=True).count() == 0
    assert SpotClosure.objects.filter(void__isnull=False).count() == 2
    assert "未关闭" in client.get("/admin/tourism/spotclosurevoid/").content.decode()


def test_a_statement_is_issued_in_the_admin_by_do_settle(programme, client, wenlv):
    spot = ScenicSpot.objects.get(name="烂柯山")
    client.force_login(wenlv)
    missing = client.post("/admin/tourism/settlementstatement/add/", {
        "spot": spot.pk, "year": "2020", "computed_on": "2021-03-01", "note": ""})
    assert missing.status_code == 200 and "缺少" in missing.content.decode()
    services.settlements_record(rows=[{"spot": spot, "year": 2020, "base_2019": Decimal("100"),
                                       "daily_ticket_income": Decimal("1"), "reward_ratio": Decimal("1"),
                                       "visitors": None}])
    done = client.post("/admin/tourism/settlementstatement/add/", {
        "spot": spot.pk, "year": "2020", "computed_on": "2021-03-01", "note": ""})
    assert done.status_code == 302
    statement = SettlementStatement.objects.get()
    # 1 × 249 × 1 = 249.00; 249 − 100 = 149 → 补.
    assert (statement.final, statement.direction, statement.actor) == (Decimal("249.00"), "补", wenlv)
    page = client.get(f"/admin/tourism/settlementstatement/{statement.pk}/change/")
    assert page.status_code == 200 and b'name="final"' not in page.content


def test_a_second_click_on_issue_is_said_on_the_list_not_a_500(programme, client, wenlv, monkeypatch):
    """Two submits of one 出具结算单 form both pass the form's check (neither statement exists
    yet); the second's do_settle refuses inside the save — a message, no second statement."""
    spot = ScenicSpot.objects.get(name="烂柯山")
    services.settlements_record(rows=[{"spot": spot, "year": 2020, "base_2019": Decimal("100"),
                                       "daily_ticket_income": Decimal("1"), "reward_ratio": Decimal("1"),
                                       "visitors": None}])
    client.force_login(wenlv)
    form = {"spot": spot.pk, "year": "2020", "computed_on": "2021-03-01", "note": ""}
    assert client.post("/admin/tourism/settlementstatement/add/", form).status_code == 302
    from apps.tourism import admin as tourism_admin

    # the second request's form check ran before the first statement was committed
    monkeypatch.setattr(tourism_admin.StatementForm, "clean", lambda self: self.cleaned_data)
    second = client.post("/admin/tourism/settlementstatement/add/", form, follow=True)
    assert second.status_code == 200
    assert "未出具结算单:与现行结算单(2021-03-01)相同" in second.content.decode()
    assert SettlementStatement.objects.count() == 1


def test_a_correction_needs_exactly_one_row(programme, client, wenlv):
    """更正 replaces one closure by one: two selected rows are refused, nothing voided."""
    spot = ScenicSpot.objects.get(name="烂柯山")
    rows = services.closures_record(rows=[
        {"spot": spot, "starts_on": D(2020, 2, 1), "ends_on": D(2020, 2, 3), "note": ""},
        {"spot": spot, "starts_on": D(2020, 3, 2), "ends_on": D(2020, 3, 3), "note": ""}])
    client.force_login(wenlv)
    page = client.post("/admin/tourism/spotclosure/", {
        "action": "correct_closure", "_selected_action": [r.pk for r in rows], "reason": "止日有误",
        "new_ends_on": "2020-02-05"}, follow=True)
    assert "更正一次只能选择一条记录,并正确填写更正后的日期" in page.content.decode()
    assert not SpotClosure.objects.filter(void__isnull=False).exists()


def test_a_mistyped_correction_date_is_named_not_no_action(programme, client, wenlv):
    """A mistyped 更正后关闭止 reaches the action, which names the field; Django's action bar
    alone would say “未选择动作” (review finding); nothing is voided or added."""
    spot = ScenicSpot.objects.get(name="烂柯山")
    [row] = services.closures_record(rows=[
        {"spot": spot, "starts_on": D(2020, 2, 1), "ends_on": D(2020, 2, 3), "note": ""}])
    client.force_login(wenlv)
    page = client.post("/admin/tourism/spotclosure/", {
        "action": "correct_closure", "_selected_action": [row.pk], "reason": "止日有误",
        "new_ends_on": "2020-02-31"}, follow=True)
    text = page.content.decode()
    assert "未选择动作" not in text
    assert "更正一次只能选择一条记录,并正确填写更正后的日期(更正后关闭止:" in text
    assert SpotClosure.objects.count() == 1 and not SpotClosure.objects.filter(void__isnull=False).exists()
    fixed = client.post("/admin/tourism/spotclosure/", {
        "action": "correct_closure", "_selected_action": [row.pk], "reason": "止日有误",
        "new_ends_on": "2020-02-05"}, follow=True)
    assert fixed.status_code == 200
    assert SpotClosure.objects.filter(void__isnull=True).get().ends_on == D(2020, 2, 5)


@pytest.mark.parametrize("base, data, model", [
    ("/admin/tourism/spotclosure/", "景区,起,止\n烂柯山,2020-02-01,2020-02-03\n", SpotClosure),
    ("/admin/tourism/spotsettlement/", SETTLEMENT_HEADER + "烂柯山,2020,1,1,1,1\n", SpotSettlement)])
def test_a_file_over_the_inline_limit_is_refused_alike_on_both_import_paths(
        programme, client, wenlv, settings, monkeypatch, base, data, model):
    """Review finding 1 (issue 11 §3): ``import/`` refuses what ``upload/`` refuses."""
    from apps.tourism import imports
    from tests.core.upload_limit import both_paths_at_and_over_the_limit

    client.force_login(wenlv)
    both_paths_at_and_over_the_limit(client, settings, base=base, data=data.encode(),
                                     stored=model.objects.count, service=(imports, "import_file"),
                                     monkeypatch=monkeypatch)
