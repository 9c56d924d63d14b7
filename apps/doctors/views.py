"""JSON APIs for settlement systems (arts. 13, 15) and staff pages.

Need to know (issue 9 §6): a county-level user or token sees only doctors with an agreement
in their county and that county's institutions (another county's answer 404 as if unknown);
a city-level token (the settlement systems) keeps city scope.
"""

import datetime as dt

from apps.core import authority, params
from apps.core.api import ApiError, api_view

from . import selectors
from .models import Institution, doctor_in_scope


def _query(request):
    """POST keeps the resident ID number out of URLs and access logs (issue 11 §4); the
    documented GET keeps answering (deprecated for ID numbers: use POST or ``digest:``)."""
    return request.POST if request.method == "POST" else request.GET


def _date(request) -> dt.date:
    value = params.text(_query(request), "date")
    if not value:
        raise ApiError("缺少参数date(YYYY-MM-DD格式的日期)")
    try:
        return params.date({"date": value}, "date")
    except params.BadParameter:
        raise ApiError(f"参数date“{value[:20]}”应为YYYY-MM-DD格式的日期") from None


def _doctor(request, *, required: bool):
    key = params.text(_query(request), "doctor")
    if not key:
        raise ApiError("缺少参数doctor(公民身份号码或执业证书编码)")
    doctor = selectors.doctor_find(key)
    if doctor is not None and not doctor_in_scope(doctor, authority.actor_region(request.user)):
        raise ApiError("未找到该医保医师", status=404)
    if doctor is None and required:
        raise ApiError("未找到该医保医师", status=404)
    return doctor


@api_view(permission="doctors.view_doctor", methods=("GET", "POST"))
def payability(request):
    """Was doctor X under an active agreement at institution Y on date D? (arts. 13, 15)"""
    day = _date(request)
    doctor = _doctor(request, required=False)
    code = params.text(_query(request), "institution")
    if not code:
        raise ApiError("缺少参数institution(机构编码)")
    institution = Institution.objects.filter(code=code).first()
    region = authority.actor_region(request.user)
    if institution is not None and region is not None and institution.region_id != region.pk:
        institution = None
    if institution is None:
        raise ApiError(f"未找到机构编码为“{code}”的定点医疗机构", status=404)
    emergency = params.flag(_query(request), "emergency")
    return selectors.payability(doctor=doctor, institution=institution, on=day,
                                emergency=emergency)


@api_view(permission="doctors.view_doctor", methods=("GET", "POST"))
def standing(request):
    """The year's score and each agreement's status on a date (art. 16, 21)."""
    day = _date(request)
    return selectors.doctor_standing(doctor=_doctor(request, required=True), on=day)
