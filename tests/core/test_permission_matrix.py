"""Issue 9 §8: the permission matrix. Every registered admin model (list, add, change,
delete, history) and every staff page and API URL, for every role at city level, the same
role at county level (柯城区), the superuser and an anonymous visitor, against the explicit
tables below. A model or URL without an entry fails: nothing new ships unreviewed.

One HTTP request per admin list / URL and account; add, change, delete and history are the
admin's own permission answers (the same ones its buttons and views use).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.core.models import Region, StaffProfile
from apps.core.roles import ADMIN_ROLES, AUDITOR, ROLES

SU = "超级管理员"
ANON = "匿名"
ALL = frozenset([*ROLES, AUDITOR, SU])  # the business roles and the superuser
NONE: frozenset[str] = frozenset()
OWN = "own"    # county staff keep their role's writes, limited to their county's rows
READ = "read"  # county staff only read (city-wide records, issue 9 §1)
COUNTY = "330802"  # 柯城区


@dataclass(frozen=True)
class E:
    view: frozenset | set
    add: frozenset | set
    change: frozenset | set
    delete: frozenset | set
    county: str


MODELS: dict[str, E] = {
    "auth.Group": E(view={'审计', '审计员', '系统管理员', '超级管理员'}, add={'系统管理员', '超级管理员'}, change={'系统管理员', '超级管理员'}, delete={'超级管理员'}, county=READ),
    "auth.User": E(view={'安全管理员', '审计', '审计员', '系统管理员', '超级管理员'}, add={'系统管理员', '超级管理员'}, change={'系统管理员', '超级管理员'}, delete={'超级管理员'}, county=READ),
    "awards.Decision": E(view={'人社', '审计', '市府办', '超级管理员'}, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete={'市府办', '超级管理员'}, county=READ),
    "awards.Person": E(view={'人社', '审计', '市府办', '超级管理员'}, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete={'市府办', '超级管理员'}, county=READ),
    "awards.Recipient": E(view={'人社', '审计', '市府办', '超级管理员'}, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete={'市府办', '超级管理员'}, county=READ),
    "awards.RecipientVoid": E(view={'人社', '审计', '市府办', '超级管理员'}, add=NONE, change=NONE, delete=NONE, county=READ),
    "awards.Section": E(view={'人社', '审计', '市府办', '超级管理员'}, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete={'市府办', '超级管理员'}, county=READ),
    # 营商环境 (issue 15 Common: bizenv 市府办/all): every role reads; 市府办 records progress.
    "bizenv.BizEnvContact": E(view=ALL, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete={'市府办', '超级管理员'}, county=READ),
    "bizenv.BizEnvProgress": E(view=ALL, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete=NONE, county=READ),
    "bizenv.BizEnvTask": E(view=ALL, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete=NONE, county=READ),
    "bizenv.Indicator": E(view=ALL, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete=NONE, county=READ),
    "bizenv.IndicatorLead": E(view=ALL, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete=NONE, county=READ),
    "core.ApiToken": E(view={'安全管理员', '审计', '审计员', '超级管理员'}, add={'安全管理员', '超级管理员'}, change={'安全管理员', '超级管理员'}, delete=NONE, county=READ),
    "core.AuditArchive": E(view={'审计', '审计员', '超级管理员'}, add=NONE, change=NONE, delete=NONE, county=READ),
    "core.AuditEvent": E(view={'审计', '审计员', '超级管理员'}, add=NONE, change=NONE, delete=NONE, county=READ),
    "core.LoginLock": E(view={'安全管理员', '审计', '审计员', '超级管理员'}, add=NONE, change=NONE, delete=NONE, county=READ),
    "core.Notice": E(view=ALL, add=NONE, change=NONE, delete=NONE, county=READ),
    "core.Organisation": E(view=ALL, add={'超级管理员'}, change={'超级管理员'}, delete={'超级管理员'}, county=READ),
    "core.PasswordRecord": E(view={'安全管理员', '审计', '审计员', '超级管理员'}, add=NONE, change=NONE, delete=NONE, county=READ),
    "core.Region": E(view=ALL, add={'超级管理员'}, change={'超级管理员'}, delete={'超级管理员'}, county=READ),
    "core.StaffProfile": E(view={'安全管理员', '审计', '审计员', '系统管理员', '超级管理员'}, add={'安全管理员', '超级管理员'}, change={'安全管理员', '超级管理员'}, delete={'超级管理员'}, county=READ),
    "core.UserSession": E(view={'安全管理员', '审计', '审计员', '超级管理员'}, add=NONE, change=NONE, delete=NONE, county=READ),
    "core.WorkdaySchedule": E(view=ALL, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete={'超级管理员'}, county=READ),
    "doctors.Agreement": E(view={'医保', '审计', '市府办', '超级管理员'}, add={'医保', '超级管理员'}, change={'医保', '超级管理员'}, delete={'医保', '超级管理员'}, county=OWN),
    "doctors.AgreementEvent": E(view={'医保', '审计', '市府办', '超级管理员'}, add={'医保', '超级管理员'}, change={'医保', '超级管理员'}, delete={'医保', '超级管理员'}, county=OWN),
    "doctors.Appeal": E(view={'医保', '审计', '市府办', '超级管理员'}, add={'医保', '超级管理员'}, change={'医保', '超级管理员'}, delete={'医保', '超级管理员'}, county=OWN),
    "doctors.AppealCorrection": E(view={'医保', '审计', '市府办', '超级管理员'}, add={'医保', '超级管理员'}, change={'医保', '超级管理员'}, delete={'医保', '超级管理员'}, county=OWN),
    "doctors.Consequence": E(view={'医保', '审计', '市府办', '超级管理员'}, add=NONE, change={'医保', '超级管理员'}, delete=NONE, county=OWN),
    "doctors.CreditGrade": E(view={'医保', '审计', '市府办', '超级管理员'}, add={'医保', '超级管理员'}, change={'医保', '超级管理员'}, delete={'医保', '超级管理员'}, county=READ),
    "doctors.DeductionVoid": E(view={'医保', '审计', '市府办', '超级管理员'}, add={'医保', '超级管理员'}, change={'医保', '超级管理员'}, delete={'医保', '超级管理员'}, county=OWN),
    "doctors.Doctor": E(view={'医保', '审计', '市府办', '超级管理员'}, add={'医保', '超级管理员'}, change={'医保', '超级管理员'}, delete={'医保', '超级管理员'}, county=OWN),
    "doctors.Institution": E(view={'医保', '审计', '市府办', '超级管理员'}, add={'医保', '超级管理员'}, change={'医保', '超级管理员'}, delete={'医保', '超级管理员'}, county=OWN),
    "doctors.InstitutionEvent": E(view={'医保', '审计', '市府办', '超级管理员'}, add={'医保', '超级管理员'}, change={'医保', '超级管理员'}, delete={'医保', '超级管理员'}, county=OWN),
    "doctors.PointDeduction": E(view={'医保', '审计', '市府办', '超级管理员'}, add={'医保', '超级管理员'}, change={'医保', '超级管理员'}, delete=NONE, county=OWN),
    "doctors.RestoreApplication": E(view={'医保', '审计', '市府办', '超级管理员'}, add={'医保', '超级管理员'}, change={'医保', '超级管理员'}, delete={'医保', '超级管理员'}, county=OWN),
    "doctors.ViolationItem": E(view={'医保', '审计', '市府办', '超级管理员'}, add=NONE, change=NONE, delete=NONE, county=READ),
    "doctors.YearClosing": E(view={'医保', '审计', '市府办', '超级管理员'}, add=NONE, change={'医保', '超级管理员'}, delete={'医保', '超级管理员'}, county=READ),
    "doctors.YearScore": E(view={'医保', '审计', '市府办', '超级管理员'}, add=NONE, change={'医保', '超级管理员'}, delete={'医保', '超级管理员'}, county=READ),
    "ecology.Machine": E(view={'生态环境', '市场监管', '审计', '市府办', '超级管理员'}, add={'生态环境', '超级管理员'}, change={'生态环境', '超级管理员'}, delete={'生态环境', '超级管理员'}, county=OWN),
    "ecology.NoPenaltyItem": E(view={'生态环境', '市场监管', '审计', '市府办', '超级管理员'}, add=NONE, change={'生态环境', '超级管理员'}, delete=NONE, county=READ),
    "ecology.NoPenaltyList": E(view={'生态环境', '市场监管', '审计', '市府办', '超级管理员'}, add=NONE, change={'生态环境', '超级管理员'}, delete=NONE, county=READ),
    "ecology.RestrictedZone": E(view={'生态环境', '市场监管', '审计', '市府办', '超级管理员'}, add=NONE, change={'生态环境', '超级管理员'}, delete=NONE, county=READ),
    "gazette.Article": E(view=ALL, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete={'市府办', '超级管理员'}, county=READ),
    "gazette.GazetteIssue": E(view=ALL, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete={'市府办', '超级管理员'}, county=READ),
    "grants.GrantItem": E(view={'经信', '发改委', '审计', '市府办', '超级管理员'}, add=NONE, change={'经信', '超级管理员'}, delete=NONE, county=READ),
    "grants.GrantItemEvent": E(view={'经信', '发改委', '审计', '市府办', '超级管理员'}, add={'经信', '超级管理员'}, change={'经信', '超级管理员'}, delete=NONE, county=READ),
    "land.CollectiveFundRate": E(view={'资源规划', '审计', '市府办', '超级管理员'}, add=NONE, change={'资源规划', '超级管理员'}, delete=NONE, county=READ),
    "land.LandPolicyVersion": E(view={'资源规划', '审计', '市府办', '超级管理员'}, add=NONE, change={'资源规划', '超级管理员'}, delete=NONE, county=READ),
    "land.LandPrice": E(view={'资源规划', '审计', '市府办', '超级管理员'}, add=NONE, change={'资源规划', '超级管理员'}, delete=NONE, county=READ),
    "land.LandZone": E(view={'资源规划', '审计', '市府办', '超级管理员'}, add=NONE, change={'资源规划', '超级管理员'}, delete=NONE, county=READ),
    "otp_static.StaticDevice": E(view={'安全管理员', '审计', '审计员', '超级管理员'}, add=NONE, change=NONE, delete={'安全管理员', '超级管理员'}, county=READ),
    "otp_totp.TOTPDevice": E(view={'安全管理员', '审计', '审计员', '超级管理员'}, add=NONE, change=NONE, delete={'安全管理员', '超级管理员'}, county=READ),
    "pairings.Pairing": E(view=ALL, add=NONE, change={'市府办', '超级管理员'}, delete=NONE, county=READ),
    "pairings.PairingActivity": E(view=ALL, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete={'市府办', '超级管理员'}, county=READ),
    "pairings.PairingActivityVoid": E(view=ALL, add=NONE, change=NONE, delete=NONE, county=READ),
    "pairings.PairingPlan": E(view=ALL, add=NONE, change={'市府办', '超级管理员'}, delete=NONE, county=READ),
    "pairings.PairingTarget": E(view=ALL, add=NONE, change={'市府办', '超级管理员'}, delete=NONE, county=READ),
    "personnel.AppointmentItem": E(view={'人社', '审计', '市府办', '超级管理员'}, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete={'市府办', '超级管理员'}, county=READ),
    "personnel.AppointmentItemVoid": E(view={'人社', '审计', '市府办', '超级管理员'}, add=NONE, change=NONE, delete=NONE, county=READ),
    "personnel.AppointmentNotice": E(view={'人社', '审计', '市府办', '超级管理员'}, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete={'市府办', '超级管理员'}, county=READ),
    "personnel.DutyAssignment": E(view={'人社', '审计', '市府办', '超级管理员'}, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete={'市府办', '超级管理员'}, county=READ),
    "personnel.DutyDivision": E(view={'人社', '审计', '市府办', '超级管理员'}, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete={'市府办', '超级管理员'}, county=READ),
    "personnel.Office": E(view={'人社', '审计', '市府办', '超级管理员'}, add={'市府办', '超级管理员'}, change={'市府办', '超级管理员'}, delete={'市府办', '超级管理员'}, county=READ),
    "personnel.ProbationFlag": E(view={'人社', '审计', '市府办', '超级管理员'}, add=NONE, change={'市府办', '超级管理员'}, delete={'市府办', '超级管理员'}, county=READ),
    "regulations.CampaignItem": E(view=ALL, add={'市场监管', '生态环境', '超级管理员'}, change={'市场监管', '生态环境', '超级管理员'}, delete={'市场监管', '生态环境', '超级管理员'}, county=READ),
    "regulations.CleanupCampaign": E(view=ALL, add={'市场监管', '生态环境', '超级管理员'}, change={'市场监管', '生态环境', '超级管理员'}, delete={'市场监管', '生态环境', '超级管理员'}, county=READ),
    "regulations.DocumentLink": E(view=ALL, add={'市场监管', '生态环境', '超级管理员'}, change={'市场监管', '生态环境', '超级管理员'}, delete={'市场监管', '生态环境', '超级管理员'}, county=READ),
    "regulations.NormativeDocument": E(view=ALL, add={'市场监管', '生态环境', '超级管理员'}, change={'市场监管', '生态环境', '超级管理员'}, delete={'市场监管', '生态环境', '超级管理员'}, county=READ),
    "regulations.ReconciliationReport": E(view=ALL, add=NONE, change=NONE, delete=NONE, county=READ),
    "regulations.StatusEvent": E(view=ALL, add={'市场监管', '生态环境', '超级管理员'}, change={'市场监管', '生态环境', '超级管理员'}, delete={'市场监管', '生态环境', '超级管理员'}, county=READ),
    "regulations.StatusEventVoid": E(view=ALL, add=NONE, change=NONE, delete=NONE, county=READ),
    "tourism.FreeTourYear": E(view={'文旅', '审计', '市府办', '超级管理员'}, add=NONE, change={'文旅', '超级管理员'}, delete=NONE, county=READ),
    "tourism.ScenicSpot": E(view={'文旅', '审计', '市府办', '超级管理员'}, add=NONE, change={'文旅', '超级管理员'}, delete=NONE, county=OWN),
    "tourism.SettlementStatement": E(view={'文旅', '审计', '市府办', '超级管理员'}, add={'文旅', '超级管理员'}, change={'文旅', '超级管理员'}, delete=NONE, county=OWN),
    "tourism.SpotClosureVoid": E(view={'文旅', '审计', '市府办', '超级管理员'}, add=NONE, change=NONE, delete=NONE, county=OWN),
    "tourism.SpotClosure": E(view={'文旅', '审计', '市府办', '超级管理员'}, add={'文旅', '超级管理员'}, change={'文旅', '超级管理员'}, delete=NONE, county=OWN),
    "tourism.SpotSettlement": E(view={'文旅', '审计', '市府办', '超级管理员'}, add={'文旅', '超级管理员'}, change={'文旅', '超级管理员'}, delete=NONE, county=OWN),
    "subsidies.Beneficiary": E(view={'人社', '发改委', '审计', '市府办', '民政', '超级管理员', '退役军人'}, add={'人社', '发改委', '民政', '超级管理员', '退役军人'}, change={'人社', '发改委', '民政', '超级管理员', '退役军人'}, delete={'人社', '发改委', '民政', '超级管理员', '退役军人'}, county=OWN),
    "subsidies.Enrolment": E(view={'人社', '发改委', '审计', '市府办', '民政', '超级管理员', '退役军人'}, add={'人社', '发改委', '民政', '超级管理员', '退役军人'}, change={'人社', '发改委', '民政', '超级管理员', '退役军人'}, delete={'人社', '发改委', '民政', '超级管理员', '退役军人'}, county=OWN),
    "subsidies.Job": E(view={'人社', '发改委', '审计', '市府办', '民政', '超级管理员', '退役军人'}, add=NONE, change=NONE, delete={'人社', '发改委', '民政', '超级管理员', '退役军人'}, county=OWN),
    "subsidies.LocalStandard": E(view={'人社', '发改委', '审计', '市府办', '民政', '超级管理员', '退役军人'}, add={'人社', '发改委', '民政', '超级管理员', '退役军人'}, change={'人社', '发改委', '民政', '超级管理员', '退役军人'}, delete={'人社', '发改委', '民政', '超级管理员', '退役军人'}, county=OWN),
    "subsidies.MonthlyIndex": E(view={'人社', '发改委', '审计', '市府办', '民政', '超级管理员', '退役军人'}, add={'人社', '发改委', '民政', '超级管理员', '退役军人'}, change={'人社', '发改委', '民政', '超级管理员', '退役军人'}, delete={'人社', '发改委', '民政', '超级管理员', '退役军人'}, county=READ),
    "subsidies.PolicyVersion": E(view={'人社', '发改委', '审计', '市府办', '民政', '超级管理员', '退役军人'}, add={'人社', '发改委', '民政', '超级管理员', '退役军人'}, change={'人社', '发改委', '民政', '超级管理员', '退役军人'}, delete={'人社', '发改委', '民政', '超级管理员', '退役军人'}, county=READ),
    "subsidies.RollLine": E(view={'人社', '发改委', '审计', '市府办', '民政', '超级管理员', '退役军人'}, add=NONE, change=NONE, delete=NONE, county=READ),
    "subsidies.SubsidyRun": E(view={'人社', '发改委', '审计', '市府办', '民政', '超级管理员', '退役军人'}, add=NONE, change={'人社', '发改委', '民政', '超级管理员', '退役军人'}, delete=NONE, county=READ),
    "subsidies.University": E(view={'人社', '发改委', '审计', '市府办', '民政', '超级管理员', '退役军人'}, add={'人社', '发改委', '民政', '超级管理员', '退役军人'}, change={'人社', '发改委', '民政', '超级管理员', '退役军人'}, delete={'人社', '发改委', '民政', '超级管理员', '退役军人'}, county=OWN),
    "subsidies.UniversityLine": E(view={'人社', '发改委', '审计', '市府办', '民政', '超级管理员', '退役军人'}, add=NONE, change=NONE, delete=NONE, county=READ),
}

AWARDS = {"人社", AUDITOR, "市府办", SU}
PERSONNEL = {"人社", AUDITOR, "市府办", SU}
DOCTORS = {"医保", AUDITOR, "市府办", SU}
SUBSIDIES = {"民政", "人社", "退役军人", "发改委", AUDITOR, "市府办", SU}
REGISTRY = ALL
LAND = {"资源规划", AUDITOR, "市府办", SU}
GRANTS = {"经信", "发改委", AUDITOR, "市府办", SU}
ECOLOGY = {"生态环境", "市场监管", AUDITOR, "市府办", SU}
TOURISM = {"文旅", AUDITOR, "市府办", SU}
STAFF = ALL | set(ADMIN_ROLES)  # any staff account, 三员分立 roles included (issue 11 §5)

# route: (sample path, who may use it, status for them). Others get 403; anonymous visitors
# get 401 (API) or the login redirect (pages).
URLS: dict[str, tuple[str, set | frozenset, int]] = {
    "api/whoami": ("/api/whoami", STAFF, 200),
    # The API's description (issue 14 §6): every staff account and token (its users are staff);
    # it names endpoints and parameters, no data, but the back office is not public: 401 else.
    "api/openapi.json": ("/api/openapi.json", STAFF, 200),
    "api/docs": ("/api/docs", STAFF, 200),
    # 今日待办: every staff account; the items in it follow the user's permissions (issue 12 §2).
    "api/worklist": ("/api/worklist", STAFF, 200),
    "api/awards/honours": ("/api/awards/honours?person=柴东剑", AWARDS, 200),
    "api/awards/decisions/<str:number>": ("/api/awards/decisions/衢政发〔2020〕13号", AWARDS, 404),
    "api/personnel/roster": ("/api/personnel/roster?organisation=市政府办公室", PERSONNEL, 200),
    "api/personnel/duties": ("/api/personnel/duties?office=综合四处", PERSONNEL, 200),
    "api/regulations/documents": ("/api/regulations/documents", REGISTRY, 200),
    "api/doctors/payability": ("/api/doctors/payability?doctor=X1&institution=Y1&date=2020-10-01",
                               DOCTORS, 404),
    "api/doctors/standing": ("/api/doctors/standing?doctor=X1&date=2020-10-01", DOCTORS, 404),
    # 医保 follows its large doctors uploads on the same job page (issue 11 §3).
    "api/subsidies/jobs/<uuid:job_id>": (
        "/api/subsidies/jobs/00000000-0000-0000-0000-000000000000", SUBSIDIES | {"医保"}, 404),
    "api/subsidies/runs/<str:month>/summary": ("/api/subsidies/runs/2020-06/summary", SUBSIDIES, 404),
    # No standard before the gazette is imported: 404 for those who may ask.
    "api/land/compensation": ("/api/land/compensation?zone=1&land_type=耕地&area_mu=10", LAND, 404),
    "api/ecology/machines/check": ("/api/ecology/machines/check?machine=SN-1&date=2020-09-01",
                                   ECOLOGY, 404),
    "api/ecology/no-penalty": ("/api/ecology/no-penalty?law=水污染防治法&article=82", ECOLOGY, 404),
    "api/ecology/no-penalty/items": ("/api/ecology/no-penalty/items", ECOLOGY, 404),
    # No items before the gazette is imported: 404 for those who may ask.
    "api/grants/items": ("/api/grants/items?project_year=2020", GRANTS, 404),
    "api/grants/calc": ("/api/grants/calc?item=added-1&amount=100", GRANTS, 404),
    # 援疆结对 (issue 15 §5): 市府办 keeps it, every role reads; no plan before the gazette: 404.
    "api/pairings": ("/api/pairings?year=2020", ALL, 404),
    # No plan before the gazette is imported: 404 for those who may ask (every role).
    "api/bizenv/tasks": ("/api/bizenv/tasks?as_of=2020-10-01", ALL, 404),
    "api/bizenv/indicators": ("/api/bizenv/indicators", ALL, 404),
    # No programme before the gazette is imported: 404 for those who may ask.
    "api/tourism/free-day": ("/api/tourism/free-day?spot=烂柯山&date=2020-06-01", TOURISM, 404),
    "api/tourism/spots/<str:name>/settlement": ("/api/tourism/spots/烂柯山/settlement?year=2020",
                                                TOURISM, 404),
    "regulations/": ("/regulations/", REGISTRY, 200),
    "regulations/documents/<int:pk>/": ("/regulations/documents/999999/", REGISTRY, 404),
    "awards/": ("/awards/", AWARDS, 200),
    "awards/people/": ("/awards/people/", AWARDS, 200),
    "awards/people/<int:pk>/": ("/awards/people/999999/", AWARDS, 404),
    "awards/export.xlsx": ("/awards/export.xlsx", AWARDS, 200),
    "personnel/roster/": ("/personnel/roster/", PERSONNEL, 200),
    # POST only (it starts a run); the others' GET is 405 before any permission check.
    "subsidies/jobs/run/": ("/subsidies/jobs/run/", SUBSIDIES - {"市府办", AUDITOR}, 302),
    "subsidies/jobs/<uuid:job_id>/": (
        "/subsidies/jobs/00000000-0000-0000-0000-000000000000/", SUBSIDIES | {"医保"}, 404),
    # 价格补贴月度测算 in the sidebar: a redirect to the latest month's run page (issue 12 §1).
    "subsidies/runs/": ("/subsidies/runs/", SUBSIDIES, 302),
    "subsidies/runs/<str:month>/": ("/subsidies/runs/2020-06/", SUBSIDIES, 200),
    "subsidies/runs/<str:month>/roll.csv": ("/subsidies/runs/2020-06/roll.csv", SUBSIDIES, 404),
    "subsidies/runs/<str:month>/roll.xlsx": ("/subsidies/runs/2020-06/roll.xlsx", SUBSIDIES, 404),
    "subsidies/runs/<str:month>/report.xlsx": ("/subsidies/runs/2020-06/report.xlsx", SUBSIDIES, 404),
}


# Writes only city-level staff may make (issue 9 §1): county users of the same role get 403.
CITY_ONLY_URLS = {"subsidies/jobs/run/"}


def _routes(patterns=None, prefix: str = "") -> list[str]:
    found = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("admin/"):
                continue
            found += _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route:
            found.append(route)
    return found


@pytest.fixture
def accounts(db) -> dict[str, object]:
    """Every role at city level, the same role in 柯城区, and a superuser (no password
    hashing: the client logs them in directly)."""
    user_model = get_user_model()
    county = Region.objects.get(code=COUNTY)
    made: dict[str, object] = {}
    for role in [*ROLES, AUDITOR, *ADMIN_ROLES]:
        group = Group.objects.get(name=role)
        for key, region in ((role, None), (f"{role}@{COUNTY}", county)):
            user = user_model(username=f"m-{len(made)}", is_staff=True)
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
            StaffProfile.objects.create(user=user, region=region)
            made[key] = user
    made[SU] = user_model.objects.create(username="m-su", is_staff=True, is_superuser=True)
    return made


def _role(key: str) -> str:
    return key.split("@")[0]


def test_every_admin_model_and_url_has_an_entry():
    registered = {model._meta.label for model in admin.site._registry}
    assert sorted(registered - set(MODELS)) == [], "admin models without a matrix entry"
    assert sorted(set(MODELS) - registered) == [], "matrix entries for unregistered models"
    routes = set(_routes())
    assert sorted(routes - set(URLS)) == [], "URLs without a matrix entry"
    assert sorted(set(URLS) - routes) == [], "matrix entries for URLs that no longer exist"


def _expected(entry: E, key: str) -> tuple[bool, bool, bool, bool]:
    role = _role(key)
    view = role in entry.view
    writes = tuple(role in s for s in (entry.add, entry.change, entry.delete))
    if "@" in key and entry.county == READ:
        writes = (False, False, False)
    return (view, *writes)


@pytest.mark.parametrize("label", sorted(MODELS))
def test_admin_model_matrix(label, accounts, client):
    model = next(m for m in admin.site._registry if m._meta.label == label)
    model_admin = admin.site._registry[model]
    entry = MODELS[label]
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    anonymous = Client().get(changelist)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    factory = RequestFactory()
    wrong = []
    for key, user in accounts.items():
        request = factory.get(changelist)
        request.user = user
        actual = (model_admin.has_view_or_change_permission(request),
                  model_admin.has_add_permission(request),
                  model_admin.has_change_permission(request),
                  model_admin.has_delete_permission(request))
        expected = _expected(entry, key)
        if actual != expected:
            wrong.append(f"{key}: (查看, 新增, 修改, 删除) 实际 {actual} 应为 {expected}")
            continue
        client.force_login(user)
        status = client.get(changelist).status_code
        if status != (200 if expected[0] else 403):
            wrong.append(f"{key}: 列表页 {status}")
        # History pages follow the view permission (simple-history's history_view).
        if hasattr(model_admin, "history_view") and not expected[0]:
            assert not model_admin.has_view_or_change_permission(request)
    assert not wrong, f"{label}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("route", sorted(URLS))
def test_url_matrix(route, accounts, client):
    path, allowed, ok = URLS[route]
    method = "post" if route == "subsidies/jobs/run/" else "get"
    anonymous = getattr(Client(), method)(path)
    if path.startswith("/api/"):
        assert anonymous.status_code == 401, anonymous.content[:200]
    else:
        assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    wrong = []
    for key, user in accounts.items():
        client.force_login(user)
        status = getattr(client, method)(path).status_code
        permitted = _role(key) in allowed and not ("@" in key and route in CITY_ONLY_URLS)
        expected = ok if permitted else 403
        if status != expected:
            wrong.append(f"{key}: {status}(应为 {expected})")
    assert not wrong, f"{path}:\n" + "\n".join(wrong)
