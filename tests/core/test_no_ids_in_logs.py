"""Issue 11 §4: no resident ID number in a URL or a log line. The doctors API answers POST
and ``digest:`` lookups; the deprecated GET with a number still answers while every log line
shows the number's digest only."""

from __future__ import annotations

import logging
import re

import pytest

from apps.core import resident_id
from apps.core.logfilters import ResidentIdFilter, scrub
from apps.doctors.models import Doctor

NUMBER = resident_id.compose("330802", "19800101", 12)
ID_SHAPE = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")


@pytest.fixture
def doctor(db):
    return Doctor.objects.create(name="王医生", resident_id=NUMBER, certificate_number="110330800001",
                                 qualification="执业医师")


def test_scrub_replaces_numbers_by_their_digest(db):
    line = f'"GET /api/doctors/standing?doctor={NUMBER}&date=2020-10-01 HTTP/1.1" 200 12'
    cleaned = scrub(line)
    assert NUMBER not in cleaned and f"ID#{resident_id.digest(NUMBER)[:12]}" in cleaned
    assert scrub("certificate 110330800001, phone 13800000000") == \
        "certificate 110330800001, phone 13800000000"


def test_a_staff_session_leaves_no_id_in_the_request_log(client, yibao_user, doctor, caplog):
    caplog.set_level(logging.INFO)
    handler_filter = ResidentIdFilter()
    client.force_login(yibao_user)
    by_post = client.post("/api/doctors/standing", {"doctor": NUMBER, "date": "2020-10-01"})
    by_digest = client.get("/api/doctors/standing",
                           {"doctor": f"digest:{resident_id.digest(NUMBER)}", "date": "2020-10-01"})
    by_get = client.get("/api/doctors/standing", {"doctor": NUMBER, "date": "2020-10-01"})
    assert by_post.status_code == by_digest.status_code == by_get.status_code == 200
    assert by_post.json() == by_digest.json() == by_get.json()
    client.get("/admin/doctors/doctor/", {"q": NUMBER})
    client.get("/api/doctors/standing", {"doctor": "330802198001011299", "date": "x"})
    # What the request loggers emitted, as the console handler (with its filter) writes it.
    logging.getLogger("django.server").info('"GET /api/doctors/standing?doctor=%s HTTP/1.1" 200', NUMBER)
    lines = []
    for record in caplog.records:
        handler_filter.filter(record)
        lines.append(record.getMessage())
    assert lines and not any(ID_SHAPE.search(line) for line in lines), lines


def test_admin_search_by_id_lands_on_a_digest_keyed_address(client, yibao_user, doctor):
    client.force_login(yibao_user)
    response = client.get("/admin/doctors/doctor/", {"q": NUMBER})
    assert response.status_code == 302 and NUMBER not in response["Location"]
    assert "digest%3A" in response["Location"] or "digest:" in response["Location"]
    page = client.get(response["Location"])
    assert page.status_code == 200 and "王医生" in page.content.decode()
    assert NUMBER not in page.content.decode()  # lists show masked numbers


FULL_WIDTH = NUMBER.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))


@pytest.mark.parametrize("typed", [FULL_WIDTH, NUMBER[:17] + str((int(NUMBER[17]) + 1) % 10)
                                   if NUMBER[17].isdigit() else NUMBER[:17] + "0"])
def test_a_full_width_or_mistyped_id_never_reaches_the_address(client, yibao_user, doctor, typed):
    """Issue 11 §4: a number typed with a Chinese input method (full-width digits) or with a
    wrong check digit is still personal data: the posted search and a typed URL both land on
    a digest address; the full-width one still finds the doctor, the mistyped one nothing."""
    client.force_login(yibao_user)
    ascii_typed = typed.translate(str.maketrans("０１２３４５６７８９Ｘ", "0123456789X"))
    for response in (client.post("/admin/doctors/doctor/search/", {"q": typed}),
                     client.get("/admin/doctors/doctor/", {"q": typed})):
        assert response.status_code == 302
        location = response["Location"]
        assert "digest" in location and ascii_typed not in location
        assert "%EF%BC" not in location  # no full-width digit, percent-encoded
        page = client.get(location).content.decode()
        assert ("王医生" in page) == (typed == FULL_WIDTH)


def test_a_data_row_read_as_a_header_is_quoted_without_its_id_number():
    from apps.core.tabular import ImportRejected, read_rows

    data = f"王医生,{NUMBER},110330800001\n".encode()
    with pytest.raises(ImportRejected) as refused:
        read_rows(data, "d.csv", ["姓名", "公民身份号码", "执业证书编码"])
    report = refused.value.report()
    assert NUMBER not in report and resident_id.mask(NUMBER) in report
