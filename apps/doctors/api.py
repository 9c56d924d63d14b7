"""JSON APIs for settlement systems (arts. 13, 15).

Need to know (issue 9 §6): a county-level user or token sees only doctors with an agreement
in their county and that county's institutions (another county's answer 404 as if unknown);
a city-level token (the settlement systems) keeps city scope.

POST (form fields) keeps the resident ID number out of URLs and access logs (issue 11 §4);
the documented GET keeps answering (deprecated for ID numbers: use POST or ``digest:``).
"""

import datetime as dt

from ninja import Form, Schema

from apps.core import authority, params
from apps.core.api import ApiError, ApiRouter

from . import selectors
from .models import Institution, doctor_in_scope

router = ApiRouter("doctors")
PERMISSION = "doctors.view_doctor"


class Payability(Schema):
    payable: bool
    reason: str  # the rule applied, citing the article (第十三条, 第十五条)


def _doctor(request, key: str, *, required: bool):
    if not key:
        raise params.BadParameter("doctor", "不能为空(公民身份号码或执业证书编码)")
    doctor = selectors.doctor_find(key)
    if doctor is not None and not doctor_in_scope(doctor, authority.actor_region(request.user)):
        raise ApiError("未找到该医保医师", status=404)
    if doctor is None and required:
        raise ApiError("未找到该医保医师", status=404)
    return doctor


def _payability(request, *, day: dt.date, doctor: str, institution: str, emergency: bool):
    """Was doctor X under an active agreement at institution Y on date D? (arts. 13, 15)"""
    found = _doctor(request, doctor, required=False)
    if not institution:
        raise params.BadParameter("institution", "不能为空(机构编码)")
    place = Institution.objects.filter(code=institution).first()
    region = authority.actor_region(request.user)
    if place is not None and region is not None and place.region_id != region.pk:
        place = None
    if place is None:
        raise ApiError(f"未找到机构编码为“{institution}”的定点医疗机构", status=404)
    return selectors.payability(doctor=found, institution=place, on=day, emergency=emergency)


@router.get("payability", permission=PERMISSION, response=Payability,
            url_name="doctors-payability")
def payability(request, date: params.RequiredDate, doctor: params.Text = "",
               institution: params.Text = "", emergency: params.Flag = False):
    """Was doctor X under an active agreement at institution Y on date D? (arts. 13, 15)
    ``doctor``: 公民身份号码 (or ``digest:``) or 执业证书编码; prefer POST for ID numbers."""
    return _payability(request, day=date, doctor=doctor, institution=institution,
                       emergency=emergency)


@router.post("payability", permission=PERMISSION, response=Payability,
             url_name="doctors-payability")
def payability_form(request, date: Form[params.RequiredDate], doctor: Form[params.Text] = "",
                    institution: Form[params.Text] = "", emergency: Form[params.Flag] = False):
    """The same question with form fields (keeps the ID number out of the URL)."""
    return _payability(request, day=date, doctor=doctor, institution=institution,
                       emergency=emergency)


@router.get("standing", permission=PERMISSION, url_name="doctors-standing")
def standing(request, date: params.RequiredDate, doctor: params.Text = ""):
    """The year's score and each agreement's status on a date (art. 16, 21)."""
    return selectors.doctor_standing(doctor=_doctor(request, doctor, required=True), on=date)


@router.post("standing", permission=PERMISSION, url_name="doctors-standing")
def standing_form(request, date: Form[params.RequiredDate], doctor: Form[params.Text] = ""):
    """The same question with form fields (keeps the ID number out of the URL)."""
    return selectors.doctor_standing(doctor=_doctor(request, doctor, required=True), on=date)
