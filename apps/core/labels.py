"""Chinese labels for the machine words staff would otherwise see (issue 12 §5): model labels
(``doctors.Doctor``), field names (``from_month``), notice topics, gazette parser names and
the keys of stored JSON (run snapshots, parse results). Values stay machine words in the
database and the API; only what pages show goes through here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.apps import apps as django_apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join

# Notice topics (``Notice.topic``): the business a notice belongs to.
TOPICS = {
    "doctors": "医保医师管理",
    "personnel.probation": "试用期满提醒",
    "subsidies": "价格临时补贴",
    "workdays": "节假日安排",
    "regulations": "规范性文件",
    "awards": "表彰奖励",
    "personnel": "人事任免",
}

# Gazette parsers (``apps.gazette.registry.register``): what each one reads from an issue.
PARSERS = {
    "awards.decisions": "表彰决定",
    "regulations.campaigns": "规范性文件清理目录",
    "regulations.repeals": "废止条款",
    "personnel.notices": "人事任免通知",
    "personnel.duties": "领导工作分工",
    "doctors.catalogue": "医保医师违规行为目录",
    "subsidies.policy": "价格临时补贴政策",
    "regulations.own": "规范性文件登记(施行日期与修改关系)",
    "land.compensation": "征地补偿标准",
    "ecology.restricted_zone": "高排放非道路移动机械禁用区",
    "ecology.no_penalty": "不予处罚清单",
    "grants.items": "奖补政策条目",
    "bizenv.plan": "营商环境实施方案(任务与指标清单)",
    "tourism.free_tour": "全球免费游活动方案",
}

# Keys of stored JSON that are not a field of a model passed to ``json_table``.
KEYS = {
    "created": "新增",
    "updated": "更新",
    "messages": "提示",
    "counts": "数量",
    "persons": "人数",
    "amount": "金额",
    "universities": "高校行数",
    "index": "价格指数",
    "policy": "政策版本",
    "decision": "启动判断",
    "standards": "各地保障标准",
    "enrolments_in_force": "在册人数(按类别)",
    "adjusts_runs": "调整的已批准测算",
    "university_lines": "高校伙食补贴行数",
    "university_students": "高校在校生人数",
    "students": "在校生人数",
    "object_ids": "对象ID",
    "records": "逐条变更",
    "unplaced": "未归类",
    "parser_results": "解析结果",
    "triggered": "已启动",
}

# Machine values stored as text (a run snapshot's decision).
VALUES = {"triggered": "已启动", "True": "是", "False": "否"}


def model_label(label: str) -> str:
    """``doctors.Doctor`` → 医保医师 (the model's verbose name); unknown labels unchanged."""
    try:
        return str(django_apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def topic_label(topic: str) -> str:
    return TOPICS.get(topic) or PARSERS.get(topic) or topic


def parser_label(name: str) -> str:
    return PARSERS.get(name, name)


def field_label(key: str, models_: Iterable[type[models.Model]] = ()) -> str:
    """A stored key as staff read it: the verbose name of the first model that has such a
    field, then ``KEYS``, then the key itself."""
    for model in models_:
        try:
            return str(model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            continue
    return KEYS.get(key) or PARSERS.get(key) or key


def value_text(value, key: str | None = None, models_: Iterable[type[models.Model]] = ()) -> str:
    """A stored value as staff read it: a choice's label (``suspended`` → 暂停), times in
    Asia/Shanghai, "—" for nothing."""
    for model in models_ if key else ():
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
        choices = {str(v): label for v, label in (field.flatchoices or [])}
        if str(value) in choices:
            return str(choices[str(value)])
        break
    text = "—" if value is None or value == "" else str(value)
    if len(text) >= 19 and text[10:11] == "T":
        # A stored ISO time (UTC) is read in Asia/Shanghai like every other time.
        moment = parse_datetime(text)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, dt.UTC)
            return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
    if text.startswith("not triggered: "):
        # 衢政办发〔2020〕20号: SCPI 与食品 CPI 均未达启动条件.
        text = "未启动:" + text.removeprefix("not triggered: ").replace(" and ", " 且 ")
    return VALUES.get(text, text)


def json_table(data, models_: Iterable[type[models.Model]] = (), keys: dict | None = None):
    """Stored JSON as nested HTML tables with Chinese keys (never raw ``{"from_month": …}``)."""
    models_ = tuple(models_)
    keys = keys or {}
    if isinstance(data, dict):
        if not data:
            return "—"
        rows = ((keys.get(str(k)) or field_label(str(k), models_), json_table(v, models_, keys))
                for k, v in data.items())
        return format_html('<table class="qz-json">{}</table>',
                           format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows))
    if isinstance(data, list):
        if not data:
            return "—"
        return format_html_join("", "<div>{}</div>", ((json_table(v, models_, keys),) for v in data))
    return value_text(data)


class ModelLabelFilter(admin.SimpleListFilter):
    """A list filter on a field holding ``app.Model`` labels, shown by verbose name."""

    title = "对象类型"
    parameter_name = "model"
    field = "model"

    def lookups(self, request, model_admin):
        values = (model_admin.get_queryset(request).order_by().values_list(self.field, flat=True)
                  .distinct())
        return sorted(((v, model_label(v)) for v in values if v), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field: self.value()})
        return queryset


class TopicFilter(ModelLabelFilter):
    """``Notice.topic`` by its business name."""

    title = "业务"
    parameter_name = "topic"
    field = "topic"

    def lookups(self, request, model_admin):
        values = (model_admin.get_queryset(request).order_by().values_list(self.field, flat=True)
                  .distinct())
        return sorted(((v, topic_label(v)) for v in values if v), key=lambda pair: pair[1])


class ConfirmedFilter(admin.SimpleListFilter):
    """django-otp's ``confirmed`` (an English field name) as 已启用 是/否."""

    title = "已启用"
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("1", "是"), ("0", "否")]

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return queryset.filter(confirmed=self.value() == "1")
        return queryset


# Third-party apps and models whose names are English and not translated (django-otp,
# django-import-export …): their Chinese names, set at start-up. Only ``_meta`` display
# names change (migrations read ``Meta`` as declared, so no migration follows).
THIRD_PARTY_APPS = {
    "django_otp": "第二因素",
    "otp_totp": "第二因素(动态口令)",
    "otp_static": "第二因素(恢复码)",
    "import_export": "导入导出",
    "simple_history": "历史记录",
    "django_filters": "筛选",
}
THIRD_PARTY_MODELS = {
    "otp_totp.TOTPDevice": "动态口令设备",
    "otp_static.StaticDevice": "恢复码设备",
    "otp_static.StaticToken": "恢复码",
}


def name_third_party_apps() -> None:
    for label, name in THIRD_PARTY_APPS.items():
        try:
            django_apps.get_app_config(label).verbose_name = name
        except LookupError:
            continue
    for label, name in THIRD_PARTY_MODELS.items():
        try:
            meta = django_apps.get_model(label)._meta
        except LookupError:
            continue
        meta.verbose_name = meta.verbose_name_plural = name


PERMISSION_ACTIONS = {"add": "新增", "change": "修改", "delete": "删除", "view": "查看"}


def permission_label(permission) -> str:
    """``auth | 用户 | Can add historical 用户`` → ``认证和授权 | 用户(历史) | 新增``: Django stores
    permission names in English; staff choose them by model and action."""
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:
        model_name = content_type.model
    elif hasattr(model, "instance_type"):  # a django-simple-history model
        model_name = f"{model.instance_type._meta.verbose_name}(历史记录)"
    else:
        model_name = str(model._meta.verbose_name)
    try:
        app_name = str(django_apps.get_app_config(content_type.app_label).verbose_name)
    except LookupError:
        app_name = content_type.app_label
    action, _, rest = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and rest == content_type.model:
        name = PERMISSION_ACTIONS[action]
    else:
        name = permission.name
    return f"{app_name} | {model_name} | {name}"



def history_value(model: type[models.Model], field_name: str, value) -> str:
    """One old/new value of a history page's change list as staff read it: a choice's label,
    是/否, a time in Asia/Shanghai, "—" for nothing, never a JSON dump."""
    if isinstance(value, dict | list):
        return "—" if not value else "(结构化内容,见记录页)"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value:%Y-%m-%d %H:%M}"
    return value_text(value, field_name, [model])


def use_chinese_history_values() -> None:
    """django-simple-history's change list on every history page shows values through
    ``history_value`` (its default prints ``None``, ``True``, UTC times and dicts)."""
    from simple_history.admin import SimpleHistoryAdmin
    from simple_history.template_utils import HistoricalRecordContextHelper

    class ChineseValues(HistoricalRecordContextHelper):
        def prepare_delta_change_value(self, change, value):
            value = super().prepare_delta_change_value(change, value)
            if isinstance(value, list) and not isinstance(
                    self.model._meta.get_field(change.field), models.JSONField):
                return "、".join(str(v) for v in value) or "—"
            return history_value(self.model, change.field, value)

    def helper(self, request, historical_record):
        return ChineseValues(self.model, historical_record)

    SimpleHistoryAdmin.get_historical_record_context_helper = helper
