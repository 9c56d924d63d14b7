"""``machinery_import`` and the admin upload (衢政通〔2020〕1号 三(二)): one validation for both.

The whole file is checked first (unknown region, category, fuel or smoke class, duplicate
出厂编号 or 识别标志编号 in the file or already registered, a county user's row of another
county); any bad line → ``ImportRejected`` naming 第N行 (header = 第1行), nothing saved.
"""

from __future__ import annotations

from apps.core import authority
from apps.core.models import Region
from apps.core.tabular import ImportRejected, RowError, read_rows

from . import services
from .models import Machine

HEADERS = ["所有者", "区划代码", "类别", "机型", "出厂编号", "燃料", "排气烟度类别", "识别标志编号", "使用场所"]
# The Roman numerals as typed on an ordinary keyboard (III类) read as the printed Ⅲ类.
_SMOKE_ALIASES = {"III类": "Ⅲ类", "II类": "Ⅱ类", "I类": "Ⅰ类"}


def _choice(enum, text: str) -> str | None:
    for member in enum:
        if text in (member.label, member.value):
            return member.value
    return None


def validate(data: bytes, filename: str, *, actor=None) -> list[dict]:
    """Every row converted, or ``ImportRejected`` listing each bad line."""
    actor = authority.resolve(actor)
    own = authority.actor_region(actor)
    rows = read_rows(data, filename, HEADERS)
    errors: list[RowError] = []
    regions = {r.code: r for r in Region.objects.exclude(code=None)}
    serials_seen: dict[str, int] = {}
    signs_seen: dict[str, int] = {}
    registered_serials = set(Machine.objects.values_list("serial_number", flat=True))
    registered_signs = set(Machine.objects.exclude(sign_number=None).values_list("sign_number", flat=True))
    clean: list[dict] = []
    for line, cells in rows:
        before = len(errors)

        def bad(column: str, message: str, line=line) -> None:
            errors.append(RowError(line, column, message))

        values = {k: v.strip() for k, v in cells.items()}
        for column in ("所有者", "区划代码", "类别", "机型", "出厂编号", "燃料", "排气烟度类别"):
            if not values[column]:
                bad(column, "不能为空")
        region = regions.get(values["区划代码"])
        if values["区划代码"] and region is None:
            bad("区划代码", f"未知的区划代码“{values['区划代码']}”")
        elif region is not None and own is not None and region.pk != own.pk:
            bad("区划代码", f"属于{region.name},您只能登记{own.name}的机械")
        category = _choice(Machine.Category, values["类别"])
        if values["类别"] and category is None:
            bad("类别", f"应为{'、'.join(Machine.Category.labels)}之一")
        fuel = _choice(Machine.Fuel, values["燃料"])
        if values["燃料"] and fuel is None:
            bad("燃料", f"应为{'、'.join(Machine.Fuel.labels)}之一")
        smoke = _choice(Machine.Smoke, _SMOKE_ALIASES.get(values["排气烟度类别"], values["排气烟度类别"]))
        if values["排气烟度类别"] and smoke is None:
            bad("排气烟度类别", f"应为{'、'.join(Machine.Smoke.labels)}之一")
        serial, sign = values["出厂编号"], values["识别标志编号"] or None
        if serial:
            if serial in serials_seen:
                bad("出厂编号", f"“{serial}”与第{serials_seen[serial]}行重复")
            elif serial in registered_serials:
                bad("出厂编号", f"“{serial}”已登记")
            serials_seen.setdefault(serial, line)
        if sign:
            if sign in signs_seen:
                bad("识别标志编号", f"“{sign}”与第{signs_seen[sign]}行重复")
            elif sign in registered_signs:
                bad("识别标志编号", f"“{sign}”已发放给其他机械")
            signs_seen.setdefault(sign, line)
        if len(errors) == before:
            clean.append({"owner": values["所有者"], "region": region, "category": category,
                          "model_name": values["机型"], "serial_number": serial, "fuel": fuel,
                          "smoke_class": smoke, "sign_number": sign, "site": values["使用场所"]})
    if errors:
        raise ImportRejected(errors[:500])
    return clean


def import_file(*, data: bytes, filename: str, actor=None) -> dict[str, int]:
    """Validate the whole file, then register every machine (all or nothing)."""
    rows = validate(data, filename, actor=actor)
    created = services.machines_register(rows=rows, actor=actor)
    return {"登记": len(created)}
