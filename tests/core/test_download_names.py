"""Issue 11 §6: every download is named by one helper (RFC 6266 ``filename*=UTF-8''…`` plus an
ASCII ``filename=``) from safe text: a Chinese name round-trips, no header injection."""

import re
from urllib.parse import unquote

import pytest
from django.http import HttpResponse
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.core.exporting import content_disposition, safe_filename, sheet_title


def parts(header: str) -> tuple[str, str]:
    match = re.fullmatch(r'attachment; filename="([\x20-\x7e]*)"; filename\*=UTF-8\'\'(\S+)', header)
    assert match, header
    assert '"' not in match.group(1) and "\\" not in match.group(1)
    return match.group(1), unquote(match.group(2))


def test_a_chinese_name_round_trips():
    name = "2020-06价格临时补贴发放名单-民政部门-柯城区.xlsx"
    fallback, decoded = parts(content_disposition(name))
    assert decoded == name and fallback.endswith(".xlsx") and fallback.isascii()
    response = HttpResponse()
    response["Content-Disposition"] = content_disposition(name)  # Django accepts it


@pytest.mark.parametrize("hostile", [
    'roll.csv"\r\nSet-Cookie: sessionid=x', "a\nb.csv", 'x"; filename="evil.exe', "..\\..\\x.csv",
    "名单\u2028.csv", "\x00\x1f.csv", "",
])
def test_header_injection_is_impossible(hostile):
    header = content_disposition(hostile)
    fallback, decoded = parts(header)
    assert not re.search(r"[\x00-\x1f\x7f\u2028\u2029\"\\/]", decoded)
    assert header.count('"') == 2 and header.count("filename=") == 1
    assert header.count("filename*=") == 1 and header.count(";") == 2
    HttpResponse()["Content-Disposition"] = header


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=80))
def test_any_text_makes_one_well_formed_header(text):
    header = content_disposition(text)
    fallback, decoded = parts(header)
    assert decoded == safe_filename(text) and decoded
    assert 0 < len(sheet_title(text)) <= 31


def test_every_download_is_named_by_the_one_helper():
    """No view or admin sets Content-Disposition itself; import-export's own exports go
    through the core's installed ``_do_file_export``."""
    from pathlib import Path

    from import_export.admin import ExportMixin

    root = Path(__file__).resolve().parents[2] / "apps"
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if "Content-Disposition" in path.read_text(encoding="utf-8")
                 and path.name != "exporting.py"]
    assert offenders == []
    assert ExportMixin._do_file_export.__module__ == "apps.core.exporting"


def test_awards_and_audit_downloads_carry_chinese_names(client, imported_gazette, renshe_user):
    client.force_login(renshe_user)
    response = client.get("/awards/export.xlsx", {"year": "2020", "award": "个人三等功"})
    fallback, decoded = parts(response["Content-Disposition"])
    assert decoded == "2020年个人三等功表彰名单.xlsx" and fallback.endswith(".xlsx")
