"""Issue 12 §4: each admin import screen shows its exact headers and offers a downloadable
template (XLSX and CSV) holding exactly those headers; format choosers say 'CSV 文件' and
'Excel (XLSX)', never a bare 'csv'."""

import io
import re
from urllib.parse import unquote

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from import_export.admin import ImportMixin
from openpyxl import load_workbook

from apps.doctors import imports as doctor_imports
from apps.subsidies import imports as subsidy_imports


def importing_admins():
    return sorted((ma for ma in admin.site._registry.values() if isinstance(ma, ImportMixin)),
                  key=lambda ma: ma.opts.label)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("tpl-su", "su@example.cn", "x")


def name_of(response) -> str:
    return unquote(re.search(r"filename\*=UTF-8''(\S+)", response["Content-Disposition"]).group(1))


def test_every_import_screen_offers_its_headers_as_xlsx_and_csv(client, superuser):
    client.force_login(superuser)
    admins = importing_admins()
    assert {ma.opts.label for ma in admins} >= {"subsidies.Beneficiary", "doctors.Doctor",
                                               "awards.Recipient", "regulations.NormativeDocument"}
    for model_admin in admins:
        base = f"/admin/{model_admin.opts.app_label}/{model_admin.opts.model_name}/import/"
        page = client.get(base).content.decode()
        assert 'id="import-templates"' in page, base
        assert ">csv<" not in page and ">xlsx<" not in page and "Resource" not in page, base
        links = re.findall(r'href="(' + re.escape(base) + r'template/(\d+)\.(xlsx|csv))"', page)
        assert {fmt for _, _, fmt in links} == {"xlsx", "csv"}, base
        for url, _index, fmt in links:
            response = client.get(url)
            assert response.status_code == 200 and name_of(response).endswith(f"导入模板.{fmt}")
            if fmt == "xlsx":
                sheet = load_workbook(io.BytesIO(response.content)).active
                headers = [c for c in next(sheet.iter_rows(values_only=True))]
                assert sheet.max_row == 1 and sheet.freeze_panes == "A2"
            else:
                text = response.content.decode("utf-8-sig")
                headers = text.strip().split(",")
                assert text.count("\n") == 1
            # The page lists exactly the headers the template holds.
            assert ",".join(headers) in page.replace(", ", ","), (url, headers)


def test_subsidy_and_doctor_templates_hold_the_services_exact_headers(client, superuser):
    client.force_login(superuser)
    text = client.get("/admin/subsidies/beneficiary/import/template/0.csv").content.decode("utf-8-sig")
    assert text.strip().split(",") == subsidy_imports.HEADERS["beneficiaries"]
    for index, kind in enumerate(["doctors", "deductions", "appeals"]):
        book = load_workbook(io.BytesIO(
            client.get(f"/admin/doctors/doctor/import/template/{index}.xlsx").content))
        assert list(next(book.active.iter_rows(values_only=True))) == doctor_imports.HEADERS[kind]
    upload_page = client.get("/admin/doctors/doctor/upload/").content.decode()
    assert upload_page.count("/admin/doctors/doctor/import/template/") == 6
    assert client.get("/admin/doctors/doctor/import/template/9.csv").status_code == 404
    assert client.get("/admin/doctors/doctor/import/template/0.pdf").status_code == 404


def test_templates_need_the_import_permission(client, auditor_user):
    client.force_login(auditor_user)  # reads subsidies, may not add beneficiaries
    assert client.get("/admin/subsidies/beneficiary/import/template/0.csv").status_code == 403
