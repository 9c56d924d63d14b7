"""Arts. 13, 15, 23: claims are payable only under an active agreement, except emergencies."""

import datetime as dt

import pytest

from apps.doctors import selectors, services
from apps.doctors.models import CreditGrade

D = dt.date
pytestmark = pytest.mark.django_db


def pay(doctor, institution, on, emergency=False):
    return selectors.payability(doctor=doctor, institution=institution, on=on, emergency=emergency)


def test_active_agreement_is_payable_suspension_is_not_emergency_is(doctor, kecheng_hospital, deduct):
    assert pay(doctor, kecheng_hospital, D(2020, 9, 1))["payable"] is True
    deduct(doctor, kecheng_hospital, "18.1", D(2020, 9, 10))
    deduct(doctor, kecheng_hospital, "19.1", D(2020, 9, 10), violation=D(2020, 9, 9))
    deduct(doctor, kecheng_hospital, "20.1", D(2020, 9, 10), violation=D(2020, 9, 8))
    answer = pay(doctor, kecheng_hospital, D(2020, 9, 15))
    assert answer["payable"] is False and "暂停" in answer["reason"]
    assert pay(doctor, kecheng_hospital, D(2020, 9, 15), emergency=True)["payable"] is True


def test_no_agreement_at_that_institution_is_not_payable(doctor, jiangshan_hospital):
    answer = pay(doctor, jiangshan_hospital, D(2020, 9, 1))
    assert answer["payable"] is False and "江山市人民医院" in answer["reason"]


def test_outside_the_agreement_period_is_not_payable(doctor, kecheng_hospital):
    assert pay(doctor, kecheng_hospital, D(2019, 12, 31))["payable"] is False


def test_credit_grade_d_revokes_the_qualification(doctor, kecheng_hospital):
    services.credit_grade_set(doctor=doctor, grade=CreditGrade.Grade.C, effective_date=D(2020, 5, 1))
    assert pay(doctor, kecheng_hospital, D(2020, 5, 2))["payable"] is True
    services.credit_grade_set(doctor=doctor, grade=CreditGrade.Grade.D, effective_date=D(2020, 6, 1))
    answer = pay(doctor, kecheng_hospital, D(2020, 6, 1))
    assert answer["payable"] is False and "D级" in answer["reason"]
