"""Staff file imports (CSV UTF-8/GBK or XLSX), whole-file validation via ``apps.core.tabular``.

Any bad row → ``ImportRejected`` listing every bad row (line, column, Chinese message) and
nothing is written. Headers are exact (issue 3 §4).

Authority (issue 9 §2): the file is checked as the acting user. Indices are city level only.
For a county-level user a row for another county, a row that would move an existing person
(or school) into or out of another county, or change another county's person, is a bad row
with its line number; errors never name another county's person. Each import writes one
run-level IMPORT audit entry with the regions it touched and, for updates, per-row old → new
values as a downloadable change list (issue 9 §5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from apps.core import audit, authority, resident_id
from apps.core.models import AuditEvent, Organisation, Region
from apps.core.services import organisation_find, organisation_resolve
from apps.core.tabular import ImportRejected, RowChecker, RowError, read_rows, width_hints

from . import rules
from .models import (
    ALWAYS,
    PAYING_DEPARTMENT,
    Beneficiary,
    BeneficiaryFact,
    Category,
    Enrolment,
    LocalStandard,
    MonthlyIndex,
    Residence,
    University,
    UniversityFact,
    from_month_label,
)
from .services import index_enter, mark_stale
from .signals import sync_universities

HEADERS = {
    "indices": ["月份", "SCPI同比涨幅", "CPI食品同比涨幅"],
    "standards": ["区划代码", "起始月份", "城市低保标准", "农村低保标准", "失业保险金标准"],
    "beneficiaries": ["姓名", "公民身份号码", "区划代码", "城乡", "类别"],
    "universities": ["学校", "区划代码", "在校学生数"],
}
# An optional last column: the month the row's facts start (issue 10 §2).
FROM_MONTH = "起始月份"
OPTIONAL = {"beneficiaries": FROM_MONTH, "universities": FROM_MONTH}
KINDS = list(HEADERS)
KIND_LABELS = {"indices": "月度价格指数", "standards": "地方保障标准",
               "beneficiaries": "补贴对象", "universities": "市属高校"}
CATEGORY_BY_LABEL = {label: value for value, label in Category.choices}
RESIDENCE_BY_LABEL = {label: value for value, label in Residence.choices}


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    messages: list[str] = field(default_factory=list)
    regions: set[int] = field(default_factory=set)  # regions the file touches (audit)
    changes: list[dict] = field(default_factory=list)  # per-row old → new of updates (audit)

    def __str__(self) -> str:
        verb = "校验通过(未写入)" if self.dry_run else "已导入"
        return (f"{KIND_LABELS[self.kind]}{verb}:{self.rows}行,新增{self.created},"
                f"更新{self.updated},未变{self.unchanged}")


class _Checker(RowChecker):
    """The core row checker with the subsidy files' cells: a month, a region code."""

    def __init__(self, actor=None):
        super().__init__()
        self.regions = {r.code: r for r in Region.objects.exclude(code=None)}
        self.codes = {r.pk: r.code for r in self.regions.values()}
        # A county-level user's county: rows outside it are bad rows (issue 9 §2).
        self.own = authority.actor_region(actor)

    def month(self, line, row, column) -> dt.date | None:
        value = self.text(line, row, column)
        if value is None:
            return None
        try:
            return rules.parse_month(value[:7] if len(value) == 10 and value[4] == "-" else value)
        except rules.BadMonth as exc:
            self.add(line, column, str(exc))
            return None

    def region(self, line, row, column) -> Region | None:
        value = self.text(line, row, column)
        if value is None:
            return None
        region = self.regions.get(value)
        if region is None:
            self.add(line, column, f"未知的区划代码“{value}”")
        return region

    def own_region(self, line, column, region, what: str) -> None:
        """A county user's row must be for their own county."""
        if self.own is not None and region is not None and region.pk != self.own.pk:
            self.add(line, column, f"只能导入{self.own.name}的{what},本行区划为{region.name}")


PROGRESS_CHUNK = 5000
MODELS = {"indices": "subsidies.MonthlyIndex", "standards": LocalStandard,
          "beneficiaries": Beneficiary, "universities": University}


def check_import_authority(actor, kind: str) -> None:
    """Indices are city level only; every kind needs the add permission of its model
    (系统 always may). Raises ``AuthorityError`` before the file is read."""
    label = KIND_LABELS[kind]
    if kind == "indices":
        authority.check_city_level(actor, label)
    model = MODELS[kind]
    name = model.split(".")[1].lower() if isinstance(model, str) else model._meta.model_name
    authority.check_permission(actor, f"subsidies.add_{name}", f"导入{label}")


def import_file(*, kind: str, data: bytes, filename: str, actor=None, dry_run: bool = False,
                from_month: dt.date | None = None, progress=None) -> ImportResult:
    """Validate the whole file, then (unless ``dry_run``) write it in one transaction.

    ``progress(stage, done, total)`` (see ``jobs.reporter``) hears the rows checked in chunks
    of ``PROGRESS_CHUNK`` and the write stage."""
    if kind not in HEADERS:
        raise ImportRejected([RowError(1, "", f"未知的导入类型“{kind}”,应为{'/'.join(KINDS)}")])
    actor = authority.resolve(actor)
    check_import_authority(actor, kind)
    with authority.acting_as(actor):
        return _import_file(kind=kind, data=data, filename=filename, actor=actor,
                            dry_run=dry_run, from_month=from_month, progress=progress)


def _import_file(*, kind, data, filename, actor, dry_run, from_month, progress) -> ImportResult:
    if progress:
        progress("读取文件", 0)
    rows = read = _read(kind, data, filename)
    handler = {"indices": _indices, "standards": _standards,
               "beneficiaries": _beneficiaries, "universities": _universities}[kind]
    result = ImportResult(kind=kind, rows=len(rows), dry_run=dry_run)
    if progress:
        rows = _reporting(rows, progress)
    given = rules.parse_month(from_month) if from_month else None
    with transaction.atomic():
        try:
            handler(rows, result, actor=actor, dry_run=dry_run, given_month=given,
                    from_month=given or rules.parse_month(timezone.localdate()))
        except ImportRejected as exc:
            # A cell typed with full-width characters says so in its error (issue 12 §6).
            raise ImportRejected(width_hints(exc.errors, read)) from None
        if not dry_run:
            audit.record_bulk(actor=actor, model=MODELS[kind], action=AuditEvent.Action.IMPORT,
                              note=f"导入{KIND_LABELS[kind]} {filename}",
                              counts={"rows": result.rows, "created": result.created,
                                      "updated": result.updated,
                                      "unchanged": result.unchanged},
                              regions=result.regions, rows=result.changes)
    return result


def _read(kind: str, data: bytes, filename: str) -> list:
    """The file's rows; beneficiaries and universities may add a last column 起始月份."""
    try:
        return read_rows(data, filename, HEADERS[kind])
    except ImportRejected as plain:
        if kind not in OPTIONAL or not plain.header_only:
            raise
        try:
            return read_rows(data, filename, [*HEADERS[kind], OPTIONAL[kind]])
        except ImportRejected as extended:
            if not extended.header_only:
                raise
            found = str(plain.errors[0].message).rpartition("实际为")[2]
            raise ImportRejected([RowError(plain.errors[0].line, "", (
                f"表头应为“{','.join(HEADERS[kind])}”(可在最后加“{OPTIONAL[kind]}”列),"
                f"实际为{found}"))]) from None


def _row_month(check, line, row, default: dt.date | None) -> dt.date | None:
    """The row's 起始月份 when the file has the column and the cell is filled, else
    ``default``; a bad month is a bad row."""
    if not (row.get(FROM_MONTH) or "").strip():
        return default
    return check.month(line, row, FROM_MONTH)


def _diff(names: tuple[str, ...], old: tuple, new: tuple) -> dict:
    return {name: [str(a), str(b)] for name, a, b in zip(names, old, new, strict=True) if a != b}


def _indices(rows, result, *, actor, dry_run, **_):
    """月份,SCPI同比涨幅,CPI食品同比涨幅 — entering an index starts that month's run (六)."""
    check, seen, parsed = _Checker(actor), {}, []
    for line, row in rows:
        month = check.month(line, row, "月份")
        scpi = check.decimal(line, row, "SCPI同比涨幅", allow_negative=True)
        food = check.decimal(line, row, "CPI食品同比涨幅", allow_negative=True)
        if month and check.duplicate(seen, month, line, "月份", f"月份{month:%Y-%m}"):
            continue
        if None not in (month, scpi, food):
            parsed.append((line, month, scpi, food))
    check.finish()
    existing = {i.month: i for i in MonthlyIndex.objects.filter(month__in=[p[1] for p in parsed])}
    for line, month, scpi, food in parsed:
        old = existing.get(month)
        if old and (old.scpi, old.cpi_food) == (scpi, food):
            result.unchanged += 1
            continue
        result.updated += bool(old)
        result.created += not old
        if old:
            result.changes.append({"line": line, "object": f"{month:%Y-%m}", "changes": _diff(
                ("scpi", "cpi_food"), (old.scpi, old.cpi_food), (scpi, food))})
        if not dry_run:
            index_enter(month=month, scpi=scpi, cpi_food=food, entered_by=_user(actor),
                        actor=actor)


def _standards(rows, result, *, actor, dry_run, **_):
    """区划代码,起始月份,城市低保标准,农村低保标准,失业保险金标准 (元/月, not negative).

    A county user upserts only their own county's standard (issue 9 §2)."""
    check, seen, parsed = _Checker(actor), {}, []
    for line, row in rows:
        region = check.region(line, row, "区划代码")
        check.own_region(line, "区划代码", region, "地方保障标准")
        month = check.month(line, row, "起始月份")
        values = [check.decimal(line, row, c) for c in HEADERS["standards"][2:]]
        if region and month and check.duplicate(seen, (region.pk, month), line, "起始月份",
                                                f"{region.name}{month:%Y-%m}"):
            continue
        if region and month and None not in values:
            parsed.append((line, region, month, values))
    check.finish()
    for line, region, month, (urban, rural, unemployment) in parsed:
        result.regions.add(region.pk)
        old = LocalStandard.objects.filter(region=region, from_month=month).first()
        before = (old.urban_dibao, old.rural_dibao, old.unemployment) if old else None
        if before == (urban, rural, unemployment):
            result.unchanged += 1
            continue
        result.updated += bool(old)
        result.created += not old
        if old:
            result.changes.append({
                "line": line, "object": str(old), "changes": _diff(
                    ("urban_dibao", "rural_dibao", "unemployment"), before,
                    (urban, rural, unemployment))})
        if not dry_run:
            LocalStandard.objects.update_or_create(
                region=region, from_month=month,
                defaults={"urban_dibao": urban, "rural_dibao": rural, "unemployment": unemployment})


def _universities(rows, result, *, actor, dry_run, given_month, from_month, **_):
    """学校,区划代码,在校学生数[,起始月份] — school names resolve through the organisation
    registry. The count is a dated fact (issue 10 §2): it starts at the row's 起始月份, else
    the import's month (``--from-month``); when neither is given a school not yet on record
    counts for every month (自始) and a changed count applies from the current month.

    A county user imports only schools of their county and cannot move a school registered
    in another county (issue 9 §2)."""
    check, seen, parsed = _Checker(actor), {}, []
    for line, row in rows:
        school = check.text(line, row, "学校")
        region = check.region(line, row, "区划代码")
        check.own_region(line, "区划代码", region, "市属高校")
        if school and check.own is not None:
            organisation = organisation_find(school)
            known = (University.objects.filter(organisation=organisation).first()
                     if organisation else None)
            if known is not None and known.region_id != check.own.pk:
                check.add(line, "学校", f"该学校不属于{check.own.name},不能修改或迁移")
        students = check.text(line, row, "在校学生数")
        if students is not None and not students.isdigit():
            check.add(line, "在校学生数", f"“{students}”不是非负整数")
            students = None
        month = _row_month(check, line, row, given_month)
        if FROM_MONTH in row and row[FROM_MONTH].strip() and month is None:
            continue
        if school and check.duplicate(seen, school, line, "学校", school):
            continue
        if school and region and students is not None:
            parsed.append((line, school, region, int(students), month))
    check.finish()
    touched, earliest = [], None
    for line, school, region, students, month in parsed:
        result.regions.add(region.pk)
        if dry_run:
            result.created += 1
            continue
        organisation = organisation_resolve(school, kind=Organisation.Kind.SCHOOL)
        university = University.objects.filter(organisation=organisation).first()
        if university is None:
            start = month or ALWAYS
        else:
            start = month or from_month
        in_force = (UniversityFact.objects.filter(university=university, from_month__lte=start)
                    .order_by("-from_month").first() if university else None)
        if university and university.region_id == region.pk and in_force is not None \
                and in_force.students == students:
            result.unchanged += 1
            continue
        result.updated += bool(university)
        result.created += not university
        if university:
            result.regions.add(university.region_id)
            result.changes.append({"line": line, "object": school, "changes": _diff(
                ("region", "students", "from_month"),
                (check.codes.get(university.region_id),
                 in_force.students if in_force else None, ""),
                (region.code, students, from_month_label(start)))})
            if university.region_id != region.pk:
                university.region = region
                university.save(update_fields=["region"])
        else:
            university = University.objects.create(organisation=organisation, region=region,
                                                   students=students)
            UniversityFact.objects.filter(university=university).delete()
        UniversityFact.objects.update_or_create(university=university, from_month=start,
                                                defaults={"students": students})
        touched.append(university.pk)
        earliest = start if earliest is None else min(earliest, start)
    sync_universities(touched)
    if touched:
        result.messages.append(f"在校学生数自{from_month_label(earliest)}起适用")


def _fact_in_force(facts: list[tuple], month: dt.date):
    """Of one person's ``(from_month, region id, residence)`` facts, the one in force in
    ``month``: the latest starting on or before it, else the first (as the run's SQL)."""
    ordered = sorted(facts)
    before = [f for f in ordered if f[0] <= month]
    return before[-1] if before else (ordered[0] if ordered else None)


def _beneficiaries(rows, result, *, actor, dry_run, from_month, given_month, **_):
    """姓名,公民身份号码,区划代码,城乡,类别[,起始月份] — one row per person and category.

    Each row's month is its 起始月份, else the import's month (``--from-month``), else the
    current month (issue 10 §2). New categories are enrolled from it (open-ended); the
    person's county and 城乡 are a dated fact from the earliest month of their rows, so a
    move never reprices a month before it. ``Beneficiary.region``/``residence`` keep the
    latest fact's values.

    For a county user (issue 9 §2) every row is for their county, and a person already
    registered in another county is neither changed, moved nor enrolled: a bad row whose
    message names neither the person nor the county."""
    check, seen = _Checker(actor), {}
    people: dict[str, dict] = {}  # number → person fields, categories and months
    for line, row in rows:
        name = check.text(line, row, "姓名")
        number = check.text(line, row, "公民身份号码")
        if number is not None:
            try:
                number = resident_id.validate(number)
            except ValidationError as exc:
                check.add(line, "公民身份号码", exc.messages[0])
                number = None
        region = check.region(line, row, "区划代码")
        check.own_region(line, "区划代码", region, "补贴对象")
        residence = RESIDENCE_BY_LABEL.get(row["城乡"].strip())
        if residence is None:
            check.add(line, "城乡", f"“{row['城乡']}”应为城镇或农村")
        category = CATEGORY_BY_LABEL.get(row["类别"].strip())
        if category is None:
            check.add(line, "类别", f"未知的类别“{row['类别']}”,应为{'、'.join(CATEGORY_BY_LABEL)}")
        month = _row_month(check, line, row, from_month)
        if number is None or month is None:
            continue
        if category and check.duplicate(seen, (number, category), line, "类别",
                                        f"同一人同一类别:{resident_id.mask(number)} {row['类别']}"):
            continue
        person = people.get(number)
        if person is None:
            people[number] = {"line": line, "lines": [line], "name": name, "region": region,
                              "residence": residence, "categories": {category: month},
                              "month": month}
            continue
        person["lines"].append(line)
        for column, key, value in (("姓名", "name", name), ("区划代码", "region", region),
                                   ("城乡", "residence", residence)):
            if value is not None and person[key] is not None and value != person[key]:
                check.add(line, column, f"与第{person['line']}行同一公民身份号码的{column}不一致")
        person["categories"][category] = month
        person["month"] = min(person["month"], month)

    digests = {resident_id.digest(n): n for n in people}
    keys = list(digests)
    existing: dict[str, tuple] = {}  # digest → (id, name, region id, residence)
    for chunk in _chunks(keys):
        for row in Beneficiary.objects.filter(resident_id_digest__in=chunk).values_list(
                "resident_id_digest", "id", "name", "region_id", "residence"):
            existing[row[0]] = row[1:]
    if check.own is not None:
        for digest, old in existing.items():
            if old[2] != check.own.pk:
                for line in people[digests[digest]]["lines"]:
                    check.add(line, "公民身份号码",
                              f"该公民身份号码的补贴对象不属于{check.own.name},不能导入、修改或迁入迁出;"
                              "如需办理请联系市级民政部门")
    check.finish()

    facts: dict[int, list[tuple]] = {}  # beneficiary id → [(from_month, region id, residence)]
    for chunk in _chunks([old[0] for old in existing.values()]):
        for pk, *fact in BeneficiaryFact.objects.filter(beneficiary_id__in=chunk).values_list(
                "beneficiary_id", "from_month", "region_id", "residence"):
            facts.setdefault(pk, []).append(tuple(fact))
    new, changed, new_facts, changed_facts = [], [], [], []
    renamed = False
    for digest, number in digests.items():
        person = people[number]
        month, place = person["month"], (person["region"].pk, person["residence"])
        old = existing.get(digest)
        result.regions.add(person["region"].pk)
        if old is None:
            new.append((person["name"], resident_id.encrypt(number), digest, *place))
            continue
        known = facts.get(old[0], [])
        in_force = _fact_in_force(known, month)
        fact_changes = in_force is None or in_force[1:] != place
        if fact_changes:
            if any(f[0] == month for f in known):
                changed_facts.append((*place, old[0], month))
            else:
                new_facts.append((old[0], month, *place))
            known = [f for f in known if f[0] != month] + [(month, *place)]
        latest = max(known)[1:] if known else place
        if old[1] == person["name"] and not fact_changes:
            continue
        changed.append((person["name"], *latest, old[0]))
        renamed = renamed or old[1] != person["name"]
        result.regions.add(old[2])
        result.changes.append({
            "line": person["line"],
            "object": f"{old[1]}({resident_id.mask(number)})",
            "changes": _diff(("name", "region", "residence", "from_month"),
                             (old[1], check.codes.get(old[2]), old[3], ""),
                             (person["name"], person["region"].code, person["residence"],
                              f"{month:%Y-%m}" if fact_changes else ""))})
    result.created, result.updated = len(new), len(changed)
    result.unchanged = len(people) - len(new) - len(changed)
    if dry_run:
        return
    # Multi-row INSERT … RETURNING: a 100,000-row file must import in seconds (issue 3 §8);
    # the run-level audit event (record_bulk) stands for the per-row history.
    ids = {digest: row[0] for digest, row in existing.items()}
    with connection.cursor() as cursor:
        for chunk in _chunks(new, 1000):
            ids.update((digest, pk) for pk, digest in _insert_rows(
                cursor, "subsidies_beneficiary",
                ["name", "resident_id", "resident_id_digest", "region_id", "residence"], chunk,
                returning="id, resident_id_digest"))
        new_facts += [(ids[row[2]], people[digests[row[2]]]["month"], row[3], row[4])
                      for row in new]
        for chunk in _chunks(new_facts, 1000):
            _insert_rows(cursor, "subsidies_beneficiaryfact",
                         ["beneficiary_id", "from_month", "region_id", "residence"], chunk)
        for chunk in _chunks(changed_facts):
            cursor.executemany("UPDATE subsidies_beneficiaryfact SET region_id = %s, "
                               "residence = %s WHERE beneficiary_id = %s AND from_month = %s",
                               chunk)
        for chunk in _chunks(changed):
            cursor.executemany("UPDATE subsidies_beneficiary SET name = %s, region_id = %s, "
                               "residence = %s WHERE id = %s", chunk)
    if renamed:  # names printed in stored roll files (issue 13 §3)
        from . import rollfiles

        rollfiles.bump("导入更新补贴对象")
    open_until: dict[tuple, list] = {}  # (id, category) → to_month of each enrolment
    for chunk in _chunks([row[0] for row in existing.values()]):
        for key in Enrolment.objects.filter(beneficiary_id__in=chunk).values_list(
                "beneficiary_id", "category", "to_month"):
            open_until.setdefault(key[:2], []).append(key[2])
    enrolments = [
        (ids[digest], category, month, PAYING_DEPARTMENT[category])
        for digest, number in digests.items()
        for category, month in sorted(people[number]["categories"].items())
        if not any(end is None or end >= month
                   for end in open_until.get((ids[digest], category), []))
    ]
    with connection.cursor() as cursor:
        for chunk in _chunks(enrolments, 1000):
            _insert_rows(cursor, "subsidies_enrolment",
                         ["beneficiary_id", "category", "from_month", "department"], chunk)
    months = sorted({p["month"] for p in people.values()})
    if months:
        mark_stale(reason="导入补贴对象", since=months[0])
    label = (f"{months[0]:%Y-%m}" if len(months) == 1 else
             f"{months[0]:%Y-%m}至{months[-1]:%Y-%m}各月") if months else f"{from_month:%Y-%m}"
    result.messages.append(f"新增补贴资格{len(enrolments)}条(自{label}起)")


def _reporting(rows: list, progress):
    """Yield the rows, telling ``progress`` every ``PROGRESS_CHUNK`` rows; after the last row
    the check is complete and the write begins."""
    total = len(rows)
    progress(f"校验中:0/{total}行", 0, total)
    for count, item in enumerate(rows, start=1):
        yield item
        if count % PROGRESS_CHUNK == 0 and count < total:
            progress(f"校验中:{count}/{total}行", count, total)
    progress(f"已校验{total}行,正在写入", total, total)


def _insert_rows(cursor, table: str, columns: list[str], rows: list[tuple],
                 returning: str | None = None) -> list[tuple]:
    """One multi-row INSERT (SQLite ≥ 3.35 and PostgreSQL both accept VALUES … RETURNING)."""
    if not rows:
        return []
    marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
           + ", ".join([marks] * len(rows)) + (f" RETURNING {returning}" if returning else ""))
    cursor.execute(sql, [value for row in rows for value in row])
    return cursor.fetchall() if returning else []


def _chunks(items: list, size: int = 2000):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
