"""GET /api/doctors/payability and /standing, and ``manage.py doctor_standing``."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from apps.core.models import ApiToken

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def suspended(doctor, kecheng_hospital, deduct):
    deduct(doctor, kecheng_hospital, "18.1", D(2020, 9, 8))
    deduct(doctor, kecheng_hospital, "19.4", D(2020, 9, 9))
    deduct(doctor, kecheng_hospital, "20.1", D(2020, 9, 10))
    return doctor


def test_payability_by_certificate_number_with_a_token(client, yibao_user, suspended):
    _, key = ApiToken.issue(user=yibao_user, name="结算系统")
    url = "/api/doctors/payability"
    params = {"doctor": suspended.certificate_number, "institution": "H330802001", "date": "2020-09-09"}
    response = client.get(url, params, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json() == {"payable": True, "reason": "服务协议有效(至2020-12-31)"}
    params["date"] = "2020-09-10"
    answer = client.get(url, params, HTTP_AUTHORIZATION=f"Token {key}").json()
    assert answer["payable"] is False and "暂停服务协议至2020-10-10" in answer["reason"]
    params["emergency"] = "1"
    assert client.get(url, params, HTTP_AUTHORIZATION=f"Token {key}").json()["payable"] is True


def test_payability_by_resident_id_and_bad_input(client, yibao_user, suspended):
    client.force_login(yibao_user)
    ok = client.get("/api/doctors/payability", {"doctor": suspended.resident_id,
                                                 "institution": "H330802001", "date": "2020-08-01"})
    assert ok.json()["payable"] is True
    bad = client.get("/api/doctors/payability", {"doctor": suspended.resident_id,
                                                  "institution": "H330802001", "date": "2020-8-1x"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["error"]
    unknown = client.get("/api/doctors/payability", {"doctor": "nobody", "institution": "H330802001",
                                                      "date": "2020-08-01"})
    assert unknown.json()["payable"] is False and "非医保医师" in unknown.json()["reason"]
    missing = client.get("/api/doctors/payability", {"doctor": "x", "institution": "NOPE",
                                                      "date": "2020-08-01"})
    assert missing.status_code == 404


def test_standing_answers_the_documented_shape(client, yibao_user, suspended):
    client.force_login(yibao_user)
    answer = client.get("/api/doctors/standing", {"doctor": suspended.resident_id,
                                                   "date": "2020-09-15"}).json()
    assert answer["year"] == 2020 and answer["points_deducted"] == 9 and answer["points_left"] == 3
    assert answer["agreements"][0]["institution"] == "H330802001"
    assert (answer["agreements"][0]["status"], answer["agreements"][0]["until"]) == (
        "suspended", "2020-10-10")
    assert answer["ban_until"] is None and answer["interview_due"] is True
    assert set(answer) == {"year", "points_deducted", "points_left", "agreements", "ban_until",
                           "interview_due", "restore_window", "pending_appeals"}
    # Art. 22 window on the official 2020 calendar (National Day, 09-27 make-up Sunday).
    assert answer["restore_window"] == {"from": "2020-09-24", "until": "2020-10-09",
                                        "provisional": False}
    assert answer["pending_appeals"] == []
    assert set(answer["agreements"][0]) == {"institution", "status", "until"}


def test_api_needs_login_and_the_doctors_permission(client, minzheng_user, suspended):
    params = {"doctor": suspended.certificate_number, "date": "2020-09-15"}
    assert client.get("/api/doctors/standing", params).status_code == 401
    client.force_login(minzheng_user)
    assert client.get("/api/doctors/standing", params).status_code == 403


def test_doctor_standing_command_prints_the_same_json(client, yibao_user, suspended):
    out = io.StringIO()
    call_command("doctor_standing", suspended.resident_id, "--date", "2020-09-15", stdout=out)
    client.force_login(yibao_user)
    api = client.get("/api/doctors/standing", {"doctor": suspended.resident_id,
                                                "date": "2020-09-15"}).json()
    assert json.loads(out.getvalue()) == api
