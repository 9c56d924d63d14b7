"""Issue 12 §6 in a real browser: a 医保 clerk types a doctor's full resident ID into the
扣分记录 form's doctor autocomplete; the page sends it by POST (never in a URL) and the doctor
can be picked; a name search stays an ordinary GET."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_full_id_typed_into_the_doctor_autocomplete_is_posted_and_found(
        admin_login, live_server, make_staff, make_doctor, kecheng_hospital):
    doctor = make_doctor("自动补全医生", institutions=[kecheng_hospital])
    page = admin_login(make_staff("yb_auto", "医保"))
    requests = []
    page.on("request", lambda r: requests.append((r.method, r.url, "")))
    page.goto(f"{live_server.url}/admin/doctors/pointdeduction/add/")
    page.evaluate("django.jQuery('#id_doctor').select2('open')")
    with page.expect_response(lambda r: "/admin/autocomplete/" in r.url
                              and r.request.method == "POST") as posted:
        page.fill(".select2-search__field", doctor.resident_id)
    assert [r["text"] for r in posted.value.json()["results"]] == [str(doctor)]
    assert doctor.resident_id in (posted.value.request.post_data or "")
    page.wait_for_selector(".select2-results__option:has-text('自动补全医生')")
    page.keyboard.press("Enter")
    assert "自动补全医生" in page.inner_text("#select2-id_doctor-container")
    assert requests and all(doctor.resident_id not in url for _, url, _ in requests)
    page.evaluate("django.jQuery('#id_institution').select2('open')")
    with page.expect_response(lambda r: "field_name=institution" in r.url and "term=" in r.url
                              and r.request.method == "GET") as searched:
        page.fill(".select2-search__field", "人民医院")
    assert [r["text"] for r in searched.value.json()["results"]] == [str(kecheng_hospital)]
