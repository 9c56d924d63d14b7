"""Whole-file imports of doctors, deductions and appeals (issue 4 §6).

Any bad row → ImportRejected listing every bad row (line, column, message); nothing is
imported. The command and the admin screen both call ``import_file``.

Scope (issue 9 §2, §6): for a county user a row about another county's institution, or one
whose region code contradicts the institution's, is a bad row; error messages never name a
person outside the user's county ("该医师"). Each import writes one run-level 审计记录 (IMPORT)
with the regions it touched and the per-row change list.

A county user's doctors file at the county's own institution (review finding 2, DOMAIN §4 and
issue 9 §2: a doctor belongs to the counties where he holds an agreement): an ID registered
only in other counties reads as a new one — the ``doctors`` count is the doctors new *to the
county* (new to the registry or registered elsewhere, the same number either way), and a ban
(art. 21) from a termination elsewhere refuses the row without its date or its cause
(``BANNED_ELSEWHERE``): the county must not sign, the city holds the details. City staff
see the full match: ``doctors`` counts doctors new to the registry, the ban names its end.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core import audit, authority, resident_id, roles
from apps.core.models import AuditEvent, Organisation, Region
from apps.core.services import name_variants, organisation_find, organisation_resolve
from apps.core.tabular import (
    Cells,
    CheckedRow,
    ImportRejected,
    RowChecker,
    RowError,
    read_rows,
    width_hints,
)

from . import services
from .models import (
    Agreement,
    Appeal,
    Doctor,
    Institution,
    PointDeduction,
    Qualification,
    ViolationItem,
    doctor_in_scope,
)

HEADERS = {
    "doctors": ["姓名", "公民身份号码", "执业证书编码", "资格类别", "机构编码", "机构名称", "区划代码",
                "协议起始", "协议终止"],
    "deductions": ["公民身份号码", "机构编码", "条款", "违规日期", "通知日期"],
    "appeals": ["公民身份号码", "条款", "违规日期", "申诉日期"],
}
# Optional last columns (issue 10 §7): 案件编号 tells apart two violations of the same item
# on the same day (arts. 17–20 “每次”) and picks the deduction an appeal is about.
OPTIONAL = {"deductions": ["案件编号"], "appeals": ["案件编号"]}
QUALIFICATIONS = {label: value for value, label in Qualification.choices}
# The column of each field a deduction check names (its error ``code``).
DATE_COLUMNS = {"": "违规日期", "violation_date": "违规日期", "notice_date": "通知日期",
                "institution": "机构编码"}
# A county user's row naming a doctor registered only in other counties who may not sign now
# (art. 21): what the county needs to refuse the row, nothing of the other county's record.
BANNED_ELSEWHERE = "该医师目前不得签订服务协议(第二十一条),详情请向市医保部门查询"


def _read(data: bytes, filename: str, kind: str) -> list[tuple[int, dict[str, str]]]:
    """Rows with the required headers, or the required headers plus the optional ones
    (missing optional cells read as "")."""
    extra = OPTIONAL.get(kind)
    if not extra:
        return read_rows(data, filename, HEADERS[kind])
    try:
        rows = read_rows(data, filename, HEADERS[kind] + extra)
    except ImportRejected as full:
        if not full.header_only:
            raise
        try:
            rows = read_rows(data, filename, HEADERS[kind])
        except ImportRejected as short:
            if short.header_only:
                raise ImportRejected([RowError(short.errors[0].line, "", short.errors[0].message
                                               + f"(可在最后加“{','.join(extra)}”列)")]) from None
            raise
    return [(line, Cells({**dict.fromkeys(extra, ""), **cells}, raw=cells.raw))
            for line, cells in rows]


class _Row(CheckedRow):
    """The core checked row with the doctor files' cells: a resident ID, a doctor, an item."""

    def resident(self, column: str = "公民身份号码") -> str | None:
        value = self.text(column)
        if not value:
            return None
        try:
            return resident_id.validate(value)
        except ValidationError as exc:
            self.error(column, exc.messages[0])
            return None

    def doctor(self, actor=None) -> Doctor | None:
        """The registered doctor of the row's ID. For a county user a doctor of another
        county is answered as an unknown ID, in the same words (issue 9 §2, §6: the import is
        no way to learn that someone is a 医保医师 elsewhere)."""
        number = self.resident()
        if number is None:
            return None
        doctor = Doctor.objects.filter(resident_id_digest=resident_id.digest(number)).first()
        scope = roles.user_region(actor)
        if doctor is not None and not doctor_in_scope(doctor, scope):
            doctor = None
        if doctor is None:
            where = f"您管辖区域({scope.name})内" if scope is not None else "已"
            self.error("公民身份号码", f"{resident_id.mask(number)}不是{where}登记的医保医师")
        return doctor

    def item(self) -> ViolationItem | None:
        code = self.text("条款")
        if not code:
            return None
        item = ViolationItem.objects.filter(code=code).first()
        if item is None:
            self.error("条款", f"“{code}”不是第十七至二十条的扣分条款(应如19.4)")
        return item


def _name(actor, doctor: Doctor) -> str:
    """The doctor's name for an error message, or "该医师" outside the user's county."""
    return doctor.name if doctor_in_scope(doctor, roles.user_region(actor)) else "该医师"


def _outside(actor, region) -> str:
    """A county user imports only for the county's institutions (DOMAIN §0); '' when fine."""
    scope = roles.user_region(actor)
    if scope is None or region is None or region.pk == scope.pk:
        return ""
    return f"不在您的管辖区域({scope.name})内"


def _name_key(name: str) -> str:
    org = organisation_find(name)
    return f"org:{org.pk}" if org is not None else min(name_variants(name))


def _named(name: str, code: str, new_names: dict) -> str:
    """The code of another institution already known by ``name`` (registered, or new on an
    earlier row of this file, then "X(第N行)"); "" when none. A new code with a registered
    name is a typo far more often than a second hospital of the same name (issue 12 §6)."""
    org = organisation_find(name)
    same = Institution.objects.exclude(code=code).filter(name__in=name_variants(name))
    if org is not None:
        same = same | Institution.objects.exclude(code=code).filter(organisation=org)
    other = same.order_by("code").first()
    if other is not None:
        return other.code
    earlier = new_names.get(_name_key(name))
    if earlier and earlier[0] != code:
        return f"{earlier[0]}(第{earlier[1]}行)"
    return ""


def _doctors(rows, errors, actor) -> dict:
    """Doctors and their agreements; an institution code not yet registered creates the
    institution from 机构编码 + 机构名称 + 区划代码, unless that name already belongs to
    another code (then the row is bad and names that code)."""
    parsed = []
    new_names: dict[str, tuple[str, int]] = {}
    seen: dict[tuple, int] = {}
    regions = {r.code: r for r in Region.objects.exclude(code=None)}
    scope = roles.user_region(actor)
    checker = RowChecker(errors)
    for line, cells in rows:
        row = _Row(checker, line, cells)
        name = row.text("姓名")
        number = row.resident()
        cert = row.text("执业证书编码")
        qual_label = row.text("资格类别")
        qual = QUALIFICATIONS.get(qual_label)
        if qual_label and qual is None:
            row.error("资格类别", f"“{qual_label}”应为执业医师、执业助理医师或乡村医生")
        code = row.text("机构编码")
        inst_name = row.text("机构名称")
        region_code = row.text("区划代码")
        region = regions.get(region_code)
        if region_code and region is None:
            row.error("区划代码", f"“{region_code}”不是衢州市的行政区划代码")
        existing = Institution.objects.filter(code=code).select_related("region").first() if code else None
        if code and inst_name and existing is None:
            owner = _named(inst_name, code, new_names)
            if owner:
                row.error("机构编码", f"机构名称“{inst_name}”已登记为机构编码“{owner}”,"
                                   f"“{code}”不是已登记的机构编码;请核对机构编码")
            else:
                new_names.setdefault(_name_key(inst_name), (code, line))
        outside = _outside(actor, existing.region if existing else region)
        if outside:
            row.error("机构编码", f"“{code}”{outside}")
        elif existing is not None and region is not None and existing.region_id != region.pk:
            row.error("区划代码", f"机构“{code}”登记在{existing.region.name},与区划代码“{region_code}”不符")
        start, end = row.date("协议起始"), row.date("协议终止")
        # A row outside the user's county is refused on its institution alone: nothing said
        # about the ID's doctor (registered elsewhere or not: issue 9 §2, §6).
        if number and cert and not outside:
            other = Doctor.objects.filter(certificate_number=cert).exclude(
                resident_id_digest=resident_id.digest(number)).first()
            if other:
                row.error("执业证书编码", f"“{cert}”已登记为其他医师({_name(actor, other)})的证书编码")
        key = (number, code, start)
        if number and code and start and key in seen:
            row.error("机构编码", f"与第{seen[key]}行重复(同一医师、机构和协议起始日期)")
        seen[key] = line
        if start and not outside:
            doctor = (Doctor.objects.filter(resident_id_digest=resident_id.digest(number)).first()
                      if number else None)
            try:
                services.agreement_check(doctor=doctor, start=start, end=end, name="该医师")
            except ValidationError as exc:
                hidden = doctor is not None and not doctor_in_scope(doctor, scope)
                for error in exc.error_list:
                    if error.code == "end":
                        row.error("协议终止", error.messages[0])
                    else:
                        row.error("协议起始", BANNED_ELSEWHERE if hidden else error.messages[0])
        if row.ok:
            parsed.append((line, name, number, cert, qual, code, inst_name, region, start, end))
    if errors:
        raise ImportRejected(errors)
    counts = {"doctors": 0, "institutions": 0, "agreements": 0, "unchanged": 0}
    changes, touched = [], set()
    seen_doctors: set[int] = set()  # a county user's: each doctor counted once, on his first row
    now = timezone.now()
    for line, name, number, cert, qual, code, inst_name, region, start, end in parsed:
        doctor = Doctor.objects.filter(resident_id_digest=resident_id.digest(number)).first()
        if doctor is not None and scope is not None and doctor.pk not in seen_doctors:
            seen_doctors.add(doctor.pk)
            if not doctor_in_scope(doctor, scope):  # registered elsewhere: new to the county
                counts["doctors"] += 1
        if doctor is None:
            doctor = Doctor.objects.create(name=name, resident_id=number, certificate_number=cert,
                                           qualification=qual)
            counts["doctors"] += 1
            changes.append({"line": line, "object": f"医保医师 {doctor}",
                            "changes": {"certificate_number": [None, cert],
                                        "qualification": [None, qual]}})
        institution = Institution.objects.filter(code=code).first()
        if institution is None:
            org = organisation_resolve(inst_name, kind=Organisation.Kind.HOSPITAL)
            institution = Institution.objects.create(code=code, name=org.name, organisation=org,
                                                     region=region, agreement_start=start,
                                                     agreement_end=end)
            counts["institutions"] += 1
            changes.append({"line": line, "object": f"定点医疗机构 {institution}",
                            "changes": {"region": [None, region.code]}})
        touched.add(institution.region_id)
        if Agreement.objects.filter(doctor=doctor, institution=institution, start=start).exists():
            counts["unchanged"] += 1
            continue
        agreement = services.agreement_create(doctor=doctor, institution=institution, start=start,
                                              end=end, accepted_at=now, actor=actor)
        counts["agreements"] += 1
        changes.append({"line": line, "object": f"服务协议 {agreement}",
                        "changes": {"start": [None, str(start)], "end": [None, str(end)]}})
    return counts, changes, touched


def _deductions(rows, errors, actor) -> dict:
    """Deductions (arts. 12, 17–21). Every occurrence counts (arts. 17–20 “每次”): two rows
    for the same doctor, institution, item and day are a possible duplicate (both lines
    named) unless each has its own 案件编号; a row already recorded (same case number, or the
    same row when it has none) is unchanged, so a re-import changes nothing. Only a 医保医师
    on the violation date (art. 2): a date outside every agreement period there is a bad row."""
    parsed = []
    seen: dict[tuple, list[tuple[int, str]]] = {}
    checker = RowChecker(errors)
    for line, cells in rows:
        row = _Row(checker, line, cells)
        doctor = row.doctor(actor)
        code = row.text("机构编码")
        institution = Institution.objects.filter(code=code).first() if code else None
        if code and institution is None:
            row.error("机构编码", f"“{code}”不是已登记的定点医疗机构")
        outside = institution is not None and _outside(actor, institution.region)
        if outside:
            row.error("机构编码", f"“{code}”{outside}")
        item = row.item()
        violated, noticed = row.date("违规日期"), row.date("通知日期")
        case = cells.get("案件编号", "").strip()
        if len(case) > 60:
            row.error("案件编号", "案件编号不超过60个字符")
        if violated:
            row.check(DATE_COLUMNS, services.deduction_dates_check, violation_date=violated,
                      notice_date=noticed)
        existing = None
        if not outside and doctor and institution and row.check(
                DATE_COLUMNS, services.deduction_site_check, doctor=doctor, institution=institution,
                name=_name(actor, doctor)) and item and violated:
            key = (doctor.pk, institution.pk, item.pk, violated)
            for other_line, other_case in seen.get(key, []):
                if not case or not other_case or case == other_case:
                    same = f"案件编号同为{case}" if case and case == other_case else "未各自填写案件编号"
                    row.error("案件编号" if case else "违规日期",
                              f"与第{other_line}行相同(同一医师、机构、第{item.code}项、违规日期{violated},"
                              f"{same}),可能重复;如确为两次违规,请为每行分别填写案件编号"
                              f"(第十七至二十条“每次”计扣)")
                    break
            seen.setdefault(key, []).append((line, case))
            existing = services.deduction_existing(doctor=doctor, institution=institution, item=item,
                                                   violation_date=violated, case_number=case)
            if existing is None:
                try:
                    services.deduction_period_check(doctor=doctor, institution=institution,
                                                    violation_date=violated,
                                                    name=_name(actor, doctor))
                except ValidationError as exc:
                    row.error("违规日期", exc.messages[0])
                try:
                    services.deduction_duplicate_check(doctor=doctor, institution=institution,
                                                       item=item, violation_date=violated,
                                                       case_number=case)
                except ValidationError as exc:
                    row.error("案件编号" if case else "违规日期", exc.messages[0])
        if row.ok:
            parsed.append((line, doctor, institution, item, violated, noticed, case, existing))
    if errors:
        raise ImportRejected(errors)
    counts = {"deductions": 0, "unchanged": 0}
    changes, touched = [], set()
    for line, doctor, institution, item, violated, noticed, case, existing in sorted(
            parsed, key=lambda p: (p[5], p[0])):
        touched.add(institution.region_id)
        if existing is not None:
            counts["unchanged"] += 1
            continue
        try:
            deduction = services.deduction_record(doctor=doctor, institution=institution, item=item,
                                                  violation_date=violated, notice_date=noticed,
                                                  case_number=case, recorded_by=actor, actor=actor)
        except ValidationError as exc:
            # An earlier row of this file changed the facts (e.g. its deduction terminated
            # the agreements before this violation, art. 21): nothing is imported.
            raise ImportRejected([RowError(line, "违规日期", exc.messages[0])]) from None
        counts["deductions"] += 1
        changes.append({"line": line, "object": f"扣分记录 {deduction}",
                        "changes": {"points": [None, deduction.points],
                                    "notice_date": [None, str(noticed)],
                                    **({"case_number": [None, case]} if case else {})}})
    return counts, changes, touched


def _appeals(rows, errors, actor) -> dict:
    parsed = []
    checker = RowChecker(errors)
    for line, cells in rows:
        row = _Row(checker, line, cells)
        doctor = row.doctor(actor)
        item = row.item()
        violated, filed = row.date("违规日期"), row.date("申诉日期")
        deduction = None
        case = cells.get("案件编号", "").strip()
        if doctor and item and violated:
            found = PointDeduction.objects.filter(doctor=doctor, item=item, violation_date=violated)
            found = list(found.filter(case_number=case) if case else found)
            if not found:
                row.error("条款", f"{_name(actor, doctor)}没有{violated}第{item.code}项的扣分记录")
            elif len(found) > 1:
                row.error("条款", f"{_name(actor, doctor)}在{violated}有多条第{item.code}项扣分,"
                                 f"无法确定申诉对象(请填写案件编号)")
            else:
                deduction = found[0]
        if deduction and _outside(actor, deduction.institution.region):
            row.error("条款", f"该扣分记录({deduction.institution.name}){_outside(actor, deduction.institution.region)}")
            deduction = None
        if deduction and filed and not deduction.appeals.exists():
            row.check({"": "申诉日期"}, services.appeal_check, deduction=deduction, filed_on=filed)
        if row.ok:
            parsed.append((line, deduction, filed))
    if errors:
        raise ImportRejected(errors)
    counts = {"appeals": 0, "unchanged": 0}
    changes, touched = [], set()
    for line, deduction, filed in parsed:
        touched.add(deduction.institution.region_id)
        if deduction.appeals.exists():
            counts["unchanged"] += 1
            continue
        appeal = services.appeal_file(deduction=deduction, filed_on=filed, recorded_by=actor,
                                      actor=actor)
        counts["appeals"] += 1
        changes.append({"line": line, "object": f"申诉 {appeal}",
                        "changes": {"filed_on": [None, str(filed)],
                                    "decision_due": [None, str(appeal.decision_due)]}})
    return counts, changes, touched


KINDS = {"doctors": (_doctors, Doctor), "deductions": (_deductions, PointDeduction),
         "appeals": (_appeals, Appeal)}


PERMISSIONS = {"doctors": "doctors.add_doctor", "deductions": "doctors.add_pointdeduction",
               "appeals": "doctors.add_appeal"}


@transaction.atomic
def import_file(*, kind: str, data: bytes, filename: str, actor=None) -> dict:
    """Validate the whole file, then import it in one transaction as ``actor`` (default: the
    current user, else 系统); returns counts. One IMPORT audit entry per run (issue 9 §5)."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    actor = authority.resolve(actor)
    with authority.acting_as(actor):
        authority.check_permission(actor, PERMISSIONS[kind], "导入医保医师数据")
        rows = _read(data, filename, kind)
        handler, model = KINDS[kind]
        try:
            counts, changes, touched = handler(rows, [], actor)
        except ImportRejected as exc:
            raise ImportRejected(width_hints(exc.errors, rows)) from None
        audit.record_bulk(actor=actor, model=model, note=f"导入{kind}:{filename}", counts=counts,
                          regions=touched, rows=changes, action=AuditEvent.Action.IMPORT)
    return counts
