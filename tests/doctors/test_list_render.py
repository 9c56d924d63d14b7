"""The doctors list's per-page CPU (issue 13 §1): a province's institutions as one select
instead of a link each, each row's checkbox formatted instead of rendered by a widget."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.urls import reverse

from apps.doctors.models import Doctor, Institution

from .conftest import D


@pytest.fixture
def staff_admin(client, django_user_model):
    user = django_user_model.objects.create_superuser("render-admin", "r@example.org",
                                                      "pw-for-tests-only")
    client.force_login(user)
    return client


def _institutions(regions, count: int) -> list[Institution]:
    return [Institution.objects.create(
        code=f"H3308020{n:02d}", name=f"测试医院{n:02d}", region=regions["330802"],
        agreement_start=D(2020, 1, 1), agreement_end=D(2020, 12, 31)) for n in range(count)]


@pytest.mark.django_db
def test_many_institutions_are_one_select_that_filters_and_keeps_the_other_parameters(
        staff_admin, regions, make_doctor):
    institutions = _institutions(regions, 31)  # over ManyChoicesFilter.select_over (30)
    inside = make_doctor("甲医生", institutions=[institutions[3]])
    outside = make_doctor("乙医生", institutions=[institutions[4]])
    url = reverse("admin:doctors_doctor_changelist")
    page = staff_admin.get(url, {"qualification__exact": "physician", "q": "医生"}).content.decode()
    select = re.search(r'<select name="institution"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    assert select.group(1).count("<option") == 32  # 全部 + 31 institutions
    assert f'<option value="{institutions[3].pk}">测试医院03</option>' in select.group(1)
    assert 'href="?institution=' not in page  # no link per institution
    form = page[page.rindex("<form", 0, select.start()):select.end()]
    assert '<input type="hidden" name="qualification__exact" value="physician">' in form
    assert '<input type="hidden" name="q" value="医生">' in form
    chosen = staff_admin.get(url, {"institution": institutions[3].pk}).content.decode()
    assert inside.certificate_number in chosen and outside.certificate_number not in chosen
    assert f'<option value="{institutions[3].pk}" selected>' in chosen


@pytest.mark.django_db
def test_few_institutions_keep_a_link_each(staff_admin, regions):
    institutions = _institutions(regions, 30)
    page = staff_admin.get(reverse("admin:doctors_doctor_changelist")).content.decode()
    assert '<select name="institution"' not in page
    assert f'href="?institution={institutions[0].pk}"' in page


@pytest.mark.django_db
def test_each_rows_checkbox_is_djangos_html(doctor):
    for model, model_admin in admin.site._registry.items():
        if type(model_admin).action_checkbox is ModelAdmin.action_checkbox:
            assert model_admin.action_checkbox.__func__ is not ModelAdmin.action_checkbox, model
    doctor_admin = admin.site._registry[Doctor]
    assert doctor_admin.action_checkbox(doctor) == ModelAdmin.action_checkbox(doctor_admin, doctor)
    assert f'value="{doctor.pk}"' in doctor_admin.action_checkbox(doctor)
