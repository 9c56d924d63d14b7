"""Shared vocabulary: regions, organisations, staff scope, calendar, tokens, audit, outbox."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


class PrintedStandard:
    """Figures and lists a gazette document prints (prices, zones, list items, grant items):
    only the gazette importer writes them (``authority.deriving()``); a misprint or a new
    version is corrected by importing the document again, never edited by hand (the guide's
    rule for records with legal or financial effect). Mix into the model before
    ``models.Model``."""

    def locked_reason(self) -> str | None:
        return "是按政报原文导入的标准(更正请重新导入政报)" if self.pk else None


class Region(models.Model):
    """行政区划 of Quzhou, plus functional areas that have no division code (DOMAIN §0)."""

    class Kind(models.TextChoices):
        CITY = "city", "设区市"
        DISTRICT = "district", "市辖区"
        COUNTY = "county", "县"
        COUNTY_CITY = "county_city", "县级市"
        FUNCTIONAL = "functional", "功能区"

    code = models.CharField("区划代码", max_length=6, unique=True, null=True, blank=True)
    name = models.CharField("名称", max_length=50, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    short_names = models.JSONField("简称", default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code", "name"]

    def __str__(self) -> str:
        return f"{self.name}({self.code})" if self.code else self.name

    @property
    def is_city(self) -> bool:
        return self.kind == self.Kind.CITY


class Organisation(models.Model):
    """单位: one record per real body; abbreviations and full names are aliases."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "机关部门"
        GOVERNMENT = "government", "政府"
        ENTERPRISE = "enterprise", "企业"
        HOSPITAL = "hospital", "医疗机构"
        SCHOOL = "school", "学校"
        OTHER = "other", "其他"

    name = models.CharField("规范名称", max_length=200, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, null=True, blank=True
    )
    successor = models.ForeignKey(
        "self", verbose_name="继任单位", null=True, blank=True, on_delete=models.PROTECT,
        related_name="predecessors",
        help_text="机构改革后已撤销的单位(如 原衢州市环境保护局)由哪个单位承继其职责和文件",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def former(self) -> bool:
        """A body abolished by a reform: its functions and documents passed to ``successor``."""
        return self.successor_id is not None

    def current(self) -> Organisation:
        """The body that holds this one's functions today (follows the successor chain)."""
        org, seen = self, {self.pk}
        while org.successor_id and org.successor_id not in seen:
            seen.add(org.successor_id)
            org = org.successor
        return org


class OrganisationAlias(models.Model):
    """Another name of an organisation (市应急局 ≡ 衢州市应急管理局)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="单位", related_name="aliases", on_delete=models.CASCADE
    )
    name = models.CharField("别名", max_length=200, unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "单位别名"
        verbose_name_plural = "单位别名"

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    """A staff user's region scope: a county user sees only that county's records."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="用户", related_name="staff_profile",
        on_delete=models.CASCADE,
    )
    region = models.ForeignKey(
        Region, verbose_name="管辖区划", null=True, blank=True, on_delete=models.PROTECT,
        help_text="留空或选衢州市表示全市;选县(市、区)则只能看到该地记录",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "工作人员范围"
        verbose_name_plural = "工作人员范围"
        permissions = [("view_full_resident_id", "可查看完整公民身份号码")]

    def __str__(self) -> str:
        return f"{self.user} → {self.region or '全市'}"


class WorkdaySchedule(models.Model):
    """A year's official holiday schedule entered by staff (国务院办公厅放假安排通知).

    When present it takes precedence over the bundled ``chinesecalendar`` data.
    """

    authority_scope = "city"  # the working-day calendar is city-wide (issue 9 §1)

    year = models.PositiveIntegerField("年份", unique=True)
    notice = models.CharField("依据通知", max_length=200, help_text="如 国办发明电〔2026〕X号")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
        on_delete=models.SET_NULL,
    )
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度放假安排"
        verbose_name_plural = "年度放假安排"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年放假安排"


class WorkdayOverride(models.Model):
    """One day of a schedule: a statutory holiday on a weekday, or a make-up workday."""

    authority_scope = "city"  # the working-day calendar is city-wide (issue 9 §1)

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假"
        WORKDAY = "workday", "调休上班"

    schedule = models.ForeignKey(
        WorkdaySchedule, verbose_name="放假安排", related_name="days", on_delete=models.CASCADE
    )
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("节日", max_length=50, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "放假/调休日"
        verbose_name_plural = "放假/调休日"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


def _default_token_expiry():
    import datetime as dt

    from django.utils import timezone

    return timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS)


class ApiToken(models.Model):
    """An API key (``Authorization: Token <key>``); only its SHA-256 is stored.

    Issue 11 §6: a token expires (default 90 days), is limited to the apps in its scope and
    to reading unless ``can_write``, records its last use, and stops working when it is
    revoked or its user is deactivated or loses staff status."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", related_name="api_tokens",
        on_delete=models.CASCADE,
    )
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=8, editable=False)
    key_hash = models.CharField("密钥摘要", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("到期时间", default=_default_token_expiry,
                                      help_text="默认自创建起90天")
    apps = models.JSONField("可访问模块", default=list, blank=True,
                            help_text="模块代号列表,如 [\"subsidies\", \"doctors\"];留空则只能调用 /api/whoami")
    can_write = models.BooleanField("可写入", default=False,
                                    help_text="不勾选则只能读取(GET/HEAD)")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True, editable=False)
    revoked = models.BooleanField("已停用", default=False)
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["key_hash"])

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def set_new_key(self) -> str:
        """Give this token a fresh key and return the plaintext (shown once, never stored)."""
        key = secrets.token_urlsafe(32)
        self.prefix, self.key_hash = key[:8], self.hash_key(key)
        return key

    @classmethod
    def issue(cls, *, user, name: str, apps: list[str] | None = None, can_write: bool = False,
              expires_at=None) -> tuple[ApiToken, str]:
        if apps is None:
            from .roles import token_apps

            apps = token_apps(user)
        token = cls(user=user, name=name, apps=list(apps), can_write=can_write)
        if expires_at is not None:
            token.expires_at = expires_at
        key = token.set_new_key()
        token.save()
        return token, key


class LoginLock(models.Model):
    """Failed logins per username and per source address, and the lock they lead to
    (issue 11 §5; GB/T 22239-2019 8.1.4.1 b 登录失败处理)."""

    class Kind(models.TextChoices):
        USERNAME = "username", "用户名"
        ADDRESS = "address", "来源地址"

    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    value = models.CharField("用户名/地址", max_length=150)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    lock_count = models.PositiveIntegerField("24小时内锁定次数", default=0,
                                             help_text="每次重复锁定时长加倍(退避)")
    last_failure_at = models.DateTimeField("最近失败", null=True, blank=True)
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "登录锁定"
        verbose_name_plural = "登录锁定"
        ordering = ["-last_failure_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="login_lock_once")]
        permissions = [("unlock_loginlock", "可解除登录锁定")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"

    def is_locked(self, now=None) -> bool:
        from django.utils import timezone

        return bool(self.locked_until and self.locked_until > (now or timezone.now()))


class UserSession(models.Model):
    """One login session: when and from where it began and how it ended (issue 11 §5, §7:
    kept at least 183 days)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户",
                             related_name="login_sessions", on_delete=models.CASCADE)
    # Kept only while the session is open, so a later login can end it; cleared at the end.
    session_key = models.CharField("会话标识", max_length=40, blank=True, db_index=True)
    started_at = models.DateTimeField("登录时间", auto_now_add=True, db_index=True)
    address = models.CharField("来源地址", max_length=64, blank=True)
    user_agent = models.CharField("浏览器", max_length=200, blank=True)
    second_factor = models.BooleanField("已验证第二因素", default=False)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=100, blank=True)

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = "登录会话"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.user} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"


class PasswordRecord(models.Model):
    """A password a user has had (hash only) and when it was set, by any path: the expiry
    counts from the newest, and the last ``PASSWORD_HISTORY`` may not be reused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户",
                             related_name="password_records", on_delete=models.CASCADE)
    password = models.CharField("密码摘要", max_length=128)
    set_at = models.DateTimeField("设置时间", db_index=True)

    class Meta:
        verbose_name = "密码记录"
        verbose_name_plural = "密码记录"
        ordering = ["-set_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {timezone.localtime(self.set_at):%Y-%m-%d}"


class AuditArchive(models.Model):
    """A file of audit rows older than the retention period (issue 11 §7): rows are deleted
    only after the written file's SHA-256 was read back and matched."""

    created_at = models.DateTimeField("归档时间", auto_now_add=True)
    cutoff = models.DateTimeField("归档截止(早于此时间)")
    path = models.CharField("文件", max_length=500)
    sha256 = models.CharField("SHA-256", max_length=64)
    rows = models.PositiveIntegerField("行数")
    first_id = models.BigIntegerField("起始ID", null=True)
    last_id = models.BigIntegerField("结束ID", null=True)

    class Meta:
        verbose_name = "审计归档"
        verbose_name_plural = "审计归档"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.path} ({self.rows}行)"


_archiving: ContextVar[bool] = ContextVar("qzgov_audit_archiving", default=False)


def archiving_allowed() -> bool:
    """Inside ``archiving_rows()``: the archive job removes rows it has archived and verified."""
    return _archiving.get()


@contextlib.contextmanager
def archiving_rows() -> Iterator[None]:
    token = _archiving.set(True)
    try:
        yield
    finally:
        _archiving.reset(token)


class AuditEventQuerySet(models.QuerySet):
    """The audit trail is append-only (issue 11 §7): no bulk update, and bulk delete only
    by the archive job after the archive file is verified."""

    def update(self, **kwargs):
        raise PermissionError("审计记录不能修改")

    def delete(self):
        if not archiving_allowed():
            raise PermissionError("审计记录不能删除(只由归档任务在核验归档文件后移除)")
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True


class AuditEvent(models.Model):
    """One audited change or sensitive read: who, when, what, old → new.

    Row-level changes arrive from django-simple-history; bulk paths and runs write one
    run-level event with counts; full resident-ID views are logged here too.
    """

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        BULK = "bulk", "批量操作"
        VIEW_ID = "view_id", "查看完整身份证号"
        LOGIN = "login", "登录"
        LOGIN_FAIL = "login_fail", "登录失败"
        LOCKOUT = "lockout", "账号锁定"
        STEP = "step", "流程步骤"
        GRANT = "grant", "权限变更"
        VOID = "void", "作废/更正"
        IMPORT = "import", "导入"
        LOGOUT = "logout", "登出/会话结束"
        UNLOCK = "unlock", "解除锁定"
        SECURITY = "security", "安全设置"
        SUPERUSER = "superuser", "超级管理员操作"
        ARCHIVE = "archive", "审计归档"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    actor_name = models.CharField("操作人名称", max_length=150, blank=True)
    action = models.CharField("动作", max_length=10, choices=Action.choices)
    model = models.CharField("对象类型", max_length=100, db_index=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    region = models.ForeignKey(
        Region, verbose_name="区划", null=True, blank=True, on_delete=models.SET_NULL
    )
    regions = models.ManyToManyField(
        Region, verbose_name="涉及区划", blank=True, related_name="+",
        help_text="批量操作涉及的区划:区县审计人员据此看到涉及本地的导入和计算",
    )
    attachment = models.TextField("逐行变更清单(CSV)", blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        # Staff read times in Asia/Shanghai (TIME_ZONE), never UTC (issue 12 §5).
        at = f"{timezone.localtime(self.at):%Y-%m-%d %H:%M}" if self.at else ""
        return f"{at} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        """Written once, never changed (issue 11 §7)."""
        if self.pk is not None and not self._state.adding:
            raise PermissionError("审计记录不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录不能删除")


class Notice(models.Model):
    """Outbox of written notices and SMS to citizens, doctors and institutions."""

    class Channel(models.TextChoices):
        WRITTEN = "written", "书面通知"
        SMS = "sms", "短信"
        INTERNAL = "internal", "内部提醒"

    class Status(models.TextChoices):
        QUEUED = "queued", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    channel = models.CharField("方式", max_length=10, choices=Channel.choices)
    recipient = models.CharField("收件人", max_length=200)
    recipient_kind = models.CharField("收件人类型", max_length=30, blank=True)
    subject = models.CharField("事由", max_length=200)
    body = models.TextField("内容")
    topic = models.CharField("业务", max_length=50, db_index=True)
    source = models.CharField("来源记录", max_length=100, blank=True, db_index=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    error = models.CharField("错误", max_length=500, blank=True)
    region = models.ForeignKey(
        Region, verbose_name="区划", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "通知发件箱"
        verbose_name_plural = "通知发件箱"
        ordering = ["-created_at", "-id"]
        constraints = [
            # The same notice for the same record is queued once (re-runs are idempotent).
            models.UniqueConstraint(
                fields=["topic", "source", "recipient", "channel"],
                condition=~Q(source=""),
                name="notice_once_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}: {self.subject}"


class VoidRecord(models.Model):
    """The shape of a 作废/更正 record (issue 9 §4): why, who and when a record with legal
    effect stopped counting. City-wide and itself never edited or deleted. Concrete models add
    the voided record, the optional ``replacement``, history and their reason constraint."""

    authority_scope = "city"

    reason = models.CharField("作废/更正原因", max_length=300)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("操作人名称", max_length=150, blank=True)
    voided_at = models.DateTimeField("作废时间", auto_now_add=True)

    class Meta:
        abstract = True

    def locked_reason(self) -> str | None:
        return "是已记录的作废记录"


class JobStatus(models.TextChoices):
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class Job(models.Model):
    """A long run or import in the worker (issue 3 §7, issue 14 §3): its status, result and
    Chinese errors; live progress goes through the shared cache (``apps.core.progress``).

    A mutable progress record, not a decision: the run and the import keep their own events
    and audit records. The table keeps its first name (``subsidies_job``): the model moved
    here from subsidies with its rows; subsidies lists it through a proxy."""

    class Kind(models.TextChoices):
        RUN = "run", "价格补贴测算"
        IMPORT = "import", "数据导入"

    id = models.UUIDField("任务编号", primary_key=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    label = models.CharField("内容", max_length=200)
    status = models.CharField("状态", max_length=10, choices=JobStatus.choices,
                              default=JobStatus.RUNNING)
    stage = models.CharField("当前阶段", max_length=200, blank=True)
    done = models.PositiveIntegerField("已处理", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    result = models.JSONField("结果", default=dict, blank=True)
    errors = models.JSONField("错误清单", default=list, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("开始时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # The database claim (issue 13 §4): the delivery that holds ``claim`` does the work and
    # touches ``heartbeat_at``; another delivery of the same task is refused while the
    # heartbeat is fresh, and takes over once it is stale (the worker died).
    month = models.DateField("月份", null=True, blank=True, help_text="测算任务的月份")
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    claim = models.CharField("执行进程", max_length=120, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    interrupted_at = models.DateTimeField("中断时间", null=True, blank=True,
                                          help_text="执行进程失去心跳、被判定中断的时间")

    class Meta:
        db_table = "subsidies_job"
        verbose_name = "后台任务进度"
        verbose_name_plural = "后台任务进度"
        ordering = ["-created_at"]
        constraints = [
            # Rows done never exceed the total once the total is known.
            models.CheckConstraint(condition=Q(total=0) | Q(done__lte=models.F("total")),
                                   name="subsidy_job_done_within_total"),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="subsidy_job_status_beat")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
