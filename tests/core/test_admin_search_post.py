"""Issue 11 §4: admin search by ID posts the number and redirects to a digest-keyed result.

A staff session searches by ID through the changelist's own search form, submitted exactly
as a browser would (its method, action and fields); every request line the server would log
(method, path and query string — an access log never holds a POST body) is then scanned for
any 18-character ID."""

from __future__ import annotations

import datetime as dt
import logging
import re
from html.parser import HTMLParser

import pytest

from apps.core import resident_id
from apps.doctors.models import Doctor
from apps.subsidies.models import Beneficiary

DOCTOR_ID = resident_id.compose("330802", "19800101", 12)
PERSON_ID = resident_id.compose("330802", dt.date(1960, 1, 1), 5)
ID_SHAPE = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")


class SearchForm(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside, self.attrs, self.fields = False, {}, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "changelist-search":
            self.inside, self.attrs = True, attrs
        elif tag == "input" and self.inside and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


class LoggingClient:
    """The test client, writing each request line as the access log (django.server) does."""

    def __init__(self, client):
        self.client, self.log = client, logging.getLogger("django.server")

    def _logged(self, response):
        for item in [*(r for r in getattr(response, "redirect_chain", [])), response]:
            request = item.request if hasattr(item, "request") else None
            if request:
                query = request.get("QUERY_STRING", "")
                line = request["PATH_INFO"] + (f"?{query}" if query else "")
                self.log.info('"%s %s HTTP/1.1" %s', request["REQUEST_METHOD"], line,
                              item.status_code)
        return response

    def get(self, path, data=None):
        return self._logged(self.client.get(path, data))

    def post(self, path, data=None):
        return self._logged(self.client.post(path, data))


def search_through_the_form(client: LoggingClient, changelist: str, number: str):
    page = client.get(changelist, {"o": "1"})  # a list with a parameter the form must keep
    form = SearchForm()
    form.feed(page.content.decode())
    assert form.attrs, "no search form"
    fields = {**form.fields, "q": number}
    method = form.attrs.get("method", "get").lower()
    action = form.attrs.get("action") or changelist
    response = client.post(action, fields) if method == "post" else client.get(action, fields)
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    result = client.get(location)
    return form, location, result


@pytest.fixture
def people(db, regions):
    doctor = Doctor.objects.create(name="王医生", resident_id=DOCTOR_ID,
                                   certificate_number="110330800001", qualification="执业医师")
    person = Beneficiary.objects.create(name="张三", resident_id=PERSON_ID, region=regions["330802"])
    return doctor, person


@pytest.mark.parametrize("changelist,number,name,user", [
    ("/admin/doctors/doctor/", DOCTOR_ID, "王医生", "yibao_user"),
    ("/admin/subsidies/beneficiary/", PERSON_ID, "张三", "minzheng_user"),
])
def test_search_by_id_through_the_form_leaves_no_id_in_the_request_log(
        client, people, caplog, request, changelist, number, name, user):
    caplog.set_level(logging.INFO)
    client.force_login(request.getfixturevalue(user))
    logged = LoggingClient(client)
    form, location, result = search_through_the_form(logged, changelist, number)
    assert form.attrs["method"] == "post" and "csrfmiddlewaretoken" in form.fields
    assert location.startswith(changelist) and "o=1" in location
    assert f"q=digest%3A{resident_id.digest(number)}" in location
    assert result.status_code == 200 and name in result.content.decode()
    assert number not in result.content.decode()  # the list masks it
    # A plain word still searches (and may stay in the URL).
    _, plain, _ = search_through_the_form(logged, changelist, name)
    assert "q=" in plain
    lines = [r.getMessage() for r in caplog.records]  # unfiltered: no digest rewriting here
    assert any("/search/" in line for line in lines)
    assert lines and not any(ID_SHAPE.search(line) for line in lines), lines


def test_search_view_takes_post_only_and_needs_the_list_permission(client, people, yibao_user,
                                                                    minzheng_user):
    client.force_login(yibao_user)
    assert client.get("/admin/doctors/doctor/search/", {"q": "x"}).status_code == 405
    client.force_login(minzheng_user)
    assert client.post("/admin/doctors/doctor/search/", {"q": DOCTOR_ID}).status_code == 403
