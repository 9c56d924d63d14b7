"""医保协议医师 and the 12-point system (衢医保发〔2020〕64号, DOMAIN §4).

Current statuses are derived (``selectors``) from dated rows: deductions, consequences,
restore applications, appeals, institution events and agreement events.

Authority (issue 9 §1, §4): the catalogue, credit grades, year closings and year scores are
city-wide (``authority_scope = "city"``); institutions, agreements, deductions, appeals and
their events belong to the county of the institution concerned. A ``Doctor`` is one person
across counties (arts. 8, 16) and has no region of their own: a county user may change a
doctor who has an agreement at an institution of their county, or one without any agreement
yet (``doctor_in_scope``; checked by the doctors' own guard, ``apps.doctors.apps``).
Decided appeals, consequences, year closings and year scores are never edited or deleted by
staff (``locked_reason``); a mistake is corrected by a ``DeductionVoid`` or an
``AppealCorrection`` with a reason, which recomputes the consequences and the year score.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from apps.core.fields import ResidentIdDigestField, ResidentIdField
from apps.core.models import Organisation, Region


class Qualification(models.TextChoices):
    PHYSICIAN = "physician", "执业医师"
    ASSISTANT = "assistant", "执业助理医师"
    VILLAGE = "village", "乡村医生"


class NoticeChannel(models.TextChoices):
    WRITTEN = "written", "书面通知"
    SMS = "sms", "短信"


class Institution(models.Model):
    """定点医疗机构 with its own service-agreement period (art. 14, agreement art. 14)."""

    authority_scope = "region"

    code = models.CharField("机构编码", max_length=30, unique=True)
    name = models.CharField("机构名称", max_length=200)
    organisation = models.ForeignKey(Organisation, verbose_name="单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT,
                               related_name="+")
    agreement_start = models.DateField("定点协议起始", null=True, blank=True)
    agreement_end = models.DateField("定点协议终止", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "定点医疗机构"
        verbose_name_plural = "定点医疗机构"
        ordering = ["code"]
        constraints = [
            # An agreement period ends after it starts.
            models.CheckConstraint(
                condition=Q(agreement_start__isnull=True) | Q(agreement_end__isnull=True)
                | Q(agreement_end__gte=F("agreement_start")),
                name="doctors_institution_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.code})"


class InstitutionEvent(models.Model):
    """A change of the institution's own agreement; art. 14 cascades it to its doctors."""

    authority_scope = "region"
    authority_region_path = "institution__region"

    class Kind(models.TextChoices):
        SUSPENDED = "suspended", "暂停定点服务协议"
        RESUMED = "resumed", "恢复定点服务协议"
        TERMINATED = "terminated", "解除定点服务协议"

    institution = models.ForeignKey(Institution, verbose_name="定点医疗机构", related_name="events",
                                    on_delete=models.CASCADE)
    kind = models.CharField("事项", max_length=20, choices=Kind.choices)
    effective_date = models.DateField("生效日期")
    reason = models.CharField("原因", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "机构协议变更"
        verbose_name_plural = "机构协议变更"
        ordering = ["institution", "effective_date", "id"]

    def __str__(self) -> str:
        return f"{self.institution} {self.effective_date} {self.get_kind_display()}"


class Doctor(models.Model):
    """医保医师 (art. 2): one person, one score, however many sites (art. 8, art. 16)."""

    name = models.CharField("姓名", max_length=50)
    resident_id = ResidentIdField(digest_field="resident_id_digest")
    resident_id_digest = ResidentIdDigestField(unique=True)
    certificate_number = models.CharField("执业证书编码", max_length=40, unique=True)
    qualification = models.CharField("资格类别", max_length=20, choices=Qualification.choices)
    phone = models.CharField("手机号码", max_length=20, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "医保医师"
        verbose_name_plural = "医保医师"
        ordering = ["name", "id"]
        # The admin list's order and name sort (issue 13 §1).
        indexes = [models.Index(fields=["name", "id"], name="doctors_doctor_name")]

    def __str__(self) -> str:
        return f"{self.name}({self.certificate_number})"


class Agreement(models.Model):
    """服务协议 per doctor × institution, accepted electronically (art. 7, art. 10)."""

    authority_scope = "region"
    authority_region_path = "institution__region"

    doctor = models.ForeignKey(Doctor, verbose_name="医师", related_name="agreements",
                               on_delete=models.PROTECT)
    institution = models.ForeignKey(Institution, verbose_name="定点医疗机构",
                                    related_name="agreements", on_delete=models.PROTECT)
    start = models.DateField("协议起始")
    end = models.DateField("协议终止")
    accepted_at = models.DateTimeField("电子协议确认时间", null=True, blank=True)
    renewed_from = models.OneToOneField("self", verbose_name="续签自", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="renewal")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "医师服务协议"
        verbose_name_plural = "医师服务协议"
        ordering = ["doctor", "institution", "start"]
        # The admin list's sorts by 起始/终止/签订确认 (each followed by the list order), so a
        # page is read from an index, not sorted from every agreement (issue 13 §1).
        indexes = [
            models.Index(fields=["start", "doctor", "institution"], name="doctors_agr_start_order"),
            models.Index(fields=["end", "doctor", "institution", "start"],
                         name="doctors_agr_end_order"),
            models.Index(fields=["accepted_at", "doctor", "institution", "start"],
                         name="doctors_agr_accepted_order"),
        ]
        constraints = [
            # One agreement period per doctor, institution and start date.
            models.UniqueConstraint(fields=["doctor", "institution", "start"],
                                    name="doctors_agreement_once_per_period"),
            # An agreement ends after it starts.
            models.CheckConstraint(condition=Q(end__gte=F("start")),
                                   name="doctors_agreement_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.doctor.name} @ {self.institution.name} {self.start}~{self.end}"


class AgreementEvent(models.Model):
    """Notice to end (15 working days, agreement art. 8), renewal or termination of one period."""

    authority_scope = "region"
    authority_region_path = "agreement__institution__region"

    class Kind(models.TextChoices):
        NOTICE_TO_END = "notice_to_end", "提出解除协议"
        RENEWED = "renewed", "期满自动续签"
        TERMINATED = "terminated", "协议解除"

    agreement = models.ForeignKey(Agreement, verbose_name="服务协议", related_name="events",
                                  on_delete=models.CASCADE)
    kind = models.CharField("事项", max_length=20, choices=Kind.choices)
    effective_date = models.DateField("生效日期")
    reason = models.CharField("原因", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    provisional = models.BooleanField(
        "生效日期暂定", default=False,
        help_text="按提前15个工作日推算的解除日期落在尚无放假安排的年份:按《全国年节及纪念日放假办法》推算的暂定日期;录入当年放假安排后重新计算")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "服务协议变更"
        verbose_name_plural = "服务协议变更"
        ordering = ["agreement", "effective_date", "id"]
        constraints = [
            # A period is renewed or terminated once (the nightly job may run twice).
            models.UniqueConstraint(fields=["agreement", "kind"],
                                    condition=Q(kind__in=["renewed", "terminated"]),
                                    name="doctors_agreement_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.effective_date} {self.get_kind_display()}"


class ViolationItem(models.Model):
    """The catalogue of arts. 17–20: 6 × 12, 5 × 6, 9 × 2 and 9 × 1 points."""

    authority_scope = "city"

    code = models.CharField("条款", max_length=10, unique=True, help_text="如 19.4 即第十九条第(4)项")
    article = models.PositiveSmallIntegerField("条")
    number = models.PositiveSmallIntegerField("项")
    text = models.TextField("违规行为")
    points = models.PositiveSmallIntegerField("扣分")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "违规扣分项目"
        verbose_name_plural = "违规扣分项目"
        ordering = ["article", "number"]
        constraints = [
            # Arts. 17–20 deduct 12, 6, 2 or 1 points per violation.
            models.CheckConstraint(condition=Q(points__in=[12, 6, 2, 1]),
                                   name="doctors_item_points_in_catalogue"),
        ]

    def __str__(self) -> str:
        """Code, description and points wherever an item is chosen or shown (issue 12 §6):
        “18.2 故意为参保人员串换…损失的 (6分)”, not a bare “18.2(6分)”."""
        return f"{self.code} {self.text} ({self.points}分)"


class PointDeduction(models.Model):
    """扣分 (art. 12, 21); counts in the year of its notice date, when it is made known.

    Each violation is one deduction (arts. 17–20 “每次”): identical rows are refused as a
    possible duplicate unless each carries its own ``case_number``. Only a 医保医师 can be
    deducted (art. 2): the violation date lies within an agreement period at the institution.
    """

    authority_scope = "region"
    authority_region_path = "institution__region"

    doctor = models.ForeignKey(Doctor, verbose_name="医师", related_name="deductions",
                               on_delete=models.PROTECT)
    institution = models.ForeignKey(Institution, verbose_name="定点医疗机构",
                                    related_name="deductions", on_delete=models.PROTECT)
    item = models.ForeignKey(ViolationItem, verbose_name="违规条款", on_delete=models.PROTECT,
                             related_name="+")
    points = models.PositiveSmallIntegerField("扣分", editable=False)
    violation_date = models.DateField("违规日期")
    notice_date = models.DateField("通知日期")
    channel = models.CharField("通知方式", max_length=10, choices=NoticeChannel.choices,
                               default=NoticeChannel.WRITTEN)
    case_number = models.CharField(
        "案件编号", max_length=60, blank=True, default="",
        help_text="第十七至二十条“每次”计扣:同一医师、机构、条款和违规日期的两次违规,"
                  "须各有自己的案件编号才分别扣分;重复导入时按案件编号(无编号时按该行本身)识别")
    note = models.CharField("说明", max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "扣分记录"
        verbose_name_plural = "扣分记录"
        ordering = ["notice_date", "id"]
        # The admin list's order and its date sorts and hierarchy (issue 13 §1).
        indexes = [models.Index(fields=["notice_date", "id"], name="doctors_deduction_notice"),
                   models.Index(fields=["violation_date"], name="doctors_deduction_violation"),
                   # The admin search by 案件编号 (exact; names go through the doctors).
                   models.Index(fields=["case_number"], name="doctors_deduction_case")]
        constraints = [
            # One violation is deducted once (art. 19 deducts per violation: two on the same
            # day for the same item are told apart by their case numbers).
            models.UniqueConstraint(
                fields=["doctor", "institution", "item", "violation_date", "case_number"],
                name="doctors_deduction_once_per_case"),
            # A violation is notified on or after the day it happened.
            models.CheckConstraint(condition=Q(notice_date__gte=F("violation_date")),
                                   name="doctors_deduction_notice_after_violation"),
        ]

    def __str__(self) -> str:
        return f"{self.doctor.name} {self.item.code} -{self.points} ({self.notice_date})"

    @property
    def region_id(self):
        return self.institution.region_id

    def locked_reason(self) -> str | None:
        """A notified deduction (art. 21) is never edited or deleted: it is removed by an
        upheld appeal or a ``DeductionVoid`` with a reason."""
        return "已通知"


class Consequence(models.Model):
    """约谈 / 暂停 / 解除 derived from the deductions (art. 21); revoked rows stay as history."""

    # Derived from the deductions of every county the doctor practises in: only services
    # write it (inside ``authority.deriving()``), checking the trigger's county themselves.

    class Kind(models.TextChoices):
        INTERVIEW = "interview", "约谈"
        SUSPENSION = "suspension", "暂停服务协议"
        TERMINATION = "termination", "解除服务协议"

    class Rule(models.TextChoices):
        BAND_6 = "band6", "累计扣分达6分"
        BAND_9 = "band9", "累计扣分达9至11分"
        BAND_12 = "band12", "累计扣分达12分"
        SINGLE_12 = "single12", "一次性扣12分"
        THREE_YEARS = "three_years", "连续三年扣分在9分以上"

    class Outcome(models.TextChoices):
        RESUMED = "resumed", "期满恢复"
        EXTENDED = "extended", "未申请恢复,暂停延长至协议期满"

    doctor = models.ForeignKey(Doctor, verbose_name="医师", related_name="consequences",
                               on_delete=models.PROTECT)
    year = models.PositiveIntegerField("年度")
    kind = models.CharField("处理", max_length=20, choices=Kind.choices)
    rule = models.CharField("依据", max_length=20, choices=Rule.choices)
    trigger = models.ForeignKey(PointDeduction, verbose_name="达到档次的扣分",
                                on_delete=models.PROTECT, related_name="triggered")
    points_at_trigger = models.PositiveSmallIntegerField("达到时累计扣分")
    effective_date = models.DateField("生效日期")
    months = models.PositiveSmallIntegerField("暂停月数", null=True, blank=True)
    end_date = models.DateField("暂停期满日", null=True, blank=True,
                                help_text="期满之日起可恢复(第二十二条)")
    restore_from = models.DateField("恢复申请起始", null=True, blank=True,
                                    help_text="暂停期满前7个工作日的第一天(第二十二条)")
    restore_until = models.DateField("恢复申请截止", null=True, blank=True)
    restore_provisional = models.BooleanField("恢复申请期间暂定", default=False,
                                              help_text="按《全国年节及纪念日放假办法》推算的暂定日期;录入当年放假安排后重新计算")
    ban_years = models.PositiveSmallIntegerField("不予签约年数", null=True, blank=True)
    ban_until = models.DateField("不予签约截止", null=True, blank=True)
    adjusted_reason = models.CharField("调整理由", max_length=300, blank=True)
    interview_held_on = models.DateField("约谈日期", null=True, blank=True)
    outcome = models.CharField("期满结果", max_length=20, choices=Outcome.choices, blank=True)
    outcome_date = models.DateField("期满处理日", null=True, blank=True)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revoked_reason = models.CharField("撤销原因", max_length=300, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "扣分处理"
        verbose_name_plural = "扣分处理"
        ordering = ["doctor", "effective_date", "id"]
        constraints = [
            # Each band applies once a year (DOMAIN §4).
            models.UniqueConstraint(fields=["doctor", "year", "kind"],
                                    condition=Q(revoked_on__isnull=True),
                                    name="doctors_consequence_once_per_year"),
            # Art. 21: a suspension lasts 1 to 3 months.
            models.CheckConstraint(condition=Q(months__isnull=True) | Q(months__gte=1, months__lte=3),
                                   name="doctors_suspension_1_to_3_months"),
            # Art. 21: no new agreement for 1 to 5 years.
            models.CheckConstraint(
                condition=Q(ban_years__isnull=True) | Q(ban_years__gte=1, ban_years__lte=5),
                name="doctors_ban_1_to_5_years"),
        ]

    def __str__(self) -> str:
        return f"{self.doctor.name} {self.year} {self.get_kind_display()} {self.effective_date}"

    def locked_reason(self) -> str | None:
        """Art. 21 consequences are derived from the deductions: staff never edit or delete
        them; services recompute them (and record adjustments with a reason)."""
        if self.revoked_on:
            return "已撤销"
        return "由扣分记录派生"


class ConsequenceEvent(models.Model):
    """Each change of an art. 21 consequence as its own row, appended and never edited or
    deleted (issue 14 §2, like the other event tables): derived, adjusted by staff with a
    reason, ban back to one year, interview held, suspension end processed, restore window
    recomputed, revoked. The consequence shows the state in force; these rows say how it got
    there, when and by whom, and key the notices they caused (``notices.key``)."""

    class Kind(models.TextChoices):
        CREATED = "created", "生成"
        ADJUSTED = "adjusted", "调整"
        BAN_RESET = "ban_reset", "不予签约年限恢复为1年"
        INTERVIEW_HELD = "interview_held", "约谈"
        OUTCOME = "outcome", "期满处理"
        RESTORE_WINDOW = "restore_window", "恢复申请期间重新计算"
        REVOKED = "revoked", "撤销"

    consequence = models.ForeignKey(Consequence, verbose_name="扣分处理", related_name="events",
                                    on_delete=models.PROTECT)
    kind = models.CharField("事项", max_length=20, choices=Kind.choices)
    # The consequence as it stands after this change.
    effective_date = models.DateField("生效日期")
    months = models.PositiveSmallIntegerField("暂停月数", null=True, blank=True)
    end_date = models.DateField("暂停期满日", null=True, blank=True)
    ban_years = models.PositiveSmallIntegerField("不予签约年数", null=True, blank=True)
    ban_until = models.DateField("不予签约截止", null=True, blank=True)
    on = models.DateField("发生日期", null=True, blank=True,
                          help_text="约谈、期满处理或撤销的日期")
    reason = models.CharField("理由", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "扣分处理变更"
        verbose_name_plural = "扣分处理变更"
        ordering = ["consequence", "id"]

    def __str__(self) -> str:
        return f"{self.consequence} {self.get_kind_display()}"

    def locked_reason(self) -> str | None:
        return "已登记"


class RestoreApplication(models.Model):
    """恢复服务协议申请 with the conduct commitment, filed through the institution (art. 22)."""

    authority_scope = "region"
    authority_region_path = "institution__region"

    consequence = models.ForeignKey(Consequence, verbose_name="暂停处理",
                                    related_name="restore_applications", on_delete=models.PROTECT)
    institution = models.ForeignKey(Institution, verbose_name="提交机构", on_delete=models.PROTECT,
                                    related_name="+")
    applied_on = models.DateField("申请日期")
    commitment = models.BooleanField("已提交规范医疗服务行为承诺书", default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "恢复协议申请"
        verbose_name_plural = "恢复协议申请"
        ordering = ["applied_on", "id"]
        constraints = [
            # One application per suspension.
            models.UniqueConstraint(fields=["consequence"], name="doctors_restore_once"),
        ]

    def __str__(self) -> str:
        return f"{self.consequence.doctor.name} 恢复申请 {self.applied_on}"


class Appeal(models.Model):
    """申诉 within 10 working days of the notice; decided within 30 working days (art. 27)."""

    authority_scope = "region"
    authority_region_path = "deduction__institution__region"

    class Decision(models.TextChoices):
        PENDING = "pending", "待决定"
        UPHELD = "upheld", "申诉成立(撤销扣分)"
        REJECTED = "rejected", "维持扣分"

    deduction = models.ForeignKey(PointDeduction, verbose_name="扣分记录", related_name="appeals",
                                  on_delete=models.PROTECT)
    filed_on = models.DateField("申诉日期")
    decision_due = models.DateField("决定期限")
    decision_due_provisional = models.BooleanField("决定期限暂定", default=False,
                                                   help_text="按《全国年节及纪念日放假办法》推算的暂定日期;录入当年放假安排后重新计算")
    decision = models.CharField("决定", max_length=20, choices=Decision.choices,
                                default=Decision.PENDING)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_note = models.CharField("决定说明", max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "申诉"
        verbose_name_plural = "申诉"
        ordering = ["filed_on", "id"]
        constraints = [
            # One appeal per deduction.
            models.UniqueConstraint(fields=["deduction"], name="doctors_appeal_once"),
            # A decision has a date; a pending appeal has none.
            models.CheckConstraint(
                condition=Q(decision="pending", decided_on__isnull=True)
                | (~Q(decision="pending") & Q(decided_on__isnull=False)),
                name="doctors_appeal_decision_dated"),
        ]

    def __str__(self) -> str:
        return f"{self.deduction} 申诉 {self.filed_on}"

    def locked_reason(self) -> str | None:
        """A decided appeal (art. 27) has legal effect; it is changed only by an
        ``AppealCorrection`` with a reason, never edited or deleted."""
        return "已作出决定" if self.decision != self.Decision.PENDING else None


class CreditGrade(models.Model):
    """医保信用等级 (art. 23): C → key supervision; D → qualification revoked, not payable."""

    authority_scope = "city"

    class Grade(models.TextChoices):
        A = "A", "A级"
        B = "B", "B级"
        C = "C", "C级(重点监管)"
        D = "D", "D级(取消医保医师资格)"

    doctor = models.ForeignKey(Doctor, verbose_name="医师", related_name="credit_grades",
                               on_delete=models.PROTECT)
    grade = models.CharField("信用等级", max_length=1, choices=Grade.choices)
    effective_date = models.DateField("生效日期")
    source = models.CharField("依据", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "医保信用等级"
        verbose_name_plural = "医保信用等级"
        ordering = ["doctor", "effective_date", "id"]

    def __str__(self) -> str:
        return f"{self.doctor.name} {self.grade} ({self.effective_date})"


class YearScore(models.Model):
    """A closed year's deduction per doctor, kept forever (art. 16: cleared at year end).

    Derived from the deductions in force: an appeal decision, a void, a correction or a
    late deduction for the closed year recomputes it in the same transaction, recording
    the event that last changed it (``changed_by_event`` / ``changed_by_ref``)."""

    authority_scope = "city"

    doctor = models.ForeignKey(Doctor, verbose_name="医师", related_name="year_scores",
                               on_delete=models.PROTECT)
    year = models.PositiveIntegerField("年度")
    points_deducted = models.PositiveSmallIntegerField("年度累计扣分")
    closed_at = models.DateTimeField("结转时间", auto_now_add=True)
    changed_at = models.DateTimeField("最近变更时间", null=True, blank=True)
    changed_by_event = models.CharField("最近变更事由", max_length=300, blank=True,
                                        help_text="最近一次改变本年度扣分的事件:年度结转、申诉决定、"
                                                  "扣分作废、申诉决定更正或补录扣分")
    changed_by_ref = models.CharField("最近变更记录", max_length=60, blank=True,
                                      help_text="该事件的记录,如 appeal:12、deductionvoid:3")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度积分结转"
        verbose_name_plural = "年度积分结转"
        ordering = ["-year", "doctor"]
        constraints = [
            # One closing line per doctor and year (year end is idempotent).
            models.UniqueConstraint(fields=["doctor", "year"], name="doctors_year_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.doctor.name} {self.year}年 扣{self.points_deducted}分"

    def locked_reason(self) -> str | None:
        """Art. 16: a closed year's score is kept; only a void/correction recomputes it."""
        return "已结转"


class YearClosing(models.Model):
    """The year-end run (00:05 on 1 January); its unique year makes a second run a no-op."""

    authority_scope = "city"

    year = models.PositiveIntegerField("年度", unique=True)
    closed_at = models.DateTimeField("结转时间", auto_now_add=True)
    summary = models.JSONField("结转结果", default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度结转"
        verbose_name_plural = "年度结转"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年度结转"

    def locked_reason(self) -> str | None:
        return "已结转"


class DeductionVoid(models.Model):
    """作废扣分: a deduction recorded by mistake stops counting (issue 9 §4).

    The deduction itself is kept; its consequences and, for a closed year, the year score
    are recomputed from the deductions still in force. The void is itself never edited.
    """

    authority_scope = "region"
    authority_region_path = "deduction__institution__region"

    deduction = models.OneToOneField(PointDeduction, verbose_name="扣分记录", related_name="void",
                                     on_delete=models.PROTECT)
    voided_on = models.DateField("作废日期")
    reason = models.CharField("作废理由", max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "扣分作废"
        verbose_name_plural = "扣分作废"
        ordering = ["-voided_on", "-id"]
        constraints = [
            # A void states why (issue 9 §4).
            models.CheckConstraint(condition=~Q(reason=""), name="doctors_void_has_reason"),
        ]

    def __str__(self) -> str:
        return f"作废 {self.deduction}"

    def locked_reason(self) -> str | None:
        return "已登记"


class AppealCorrection(models.Model):
    """更正申诉决定: a decided appeal's decision corrected by a new, reasoned event (issue 9 §4).

    The appeal shows the decision in force; this row keeps what it was, who changed it and
    why. Consequences and the year score are recomputed from it."""

    authority_scope = "region"
    authority_region_path = "appeal__deduction__institution__region"

    appeal = models.ForeignKey(Appeal, verbose_name="申诉", related_name="corrections",
                               on_delete=models.PROTECT)
    old_decision = models.CharField("原决定", max_length=20, choices=Appeal.Decision.choices)
    new_decision = models.CharField("更正后决定", max_length=20, choices=Appeal.Decision.choices)
    corrected_on = models.DateField("更正日期")
    reason = models.CharField("更正理由", max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "申诉决定更正"
        verbose_name_plural = "申诉决定更正"
        ordering = ["-corrected_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="doctors_correction_has_reason"),
        ]

    def __str__(self) -> str:
        return (f"{self.appeal} {self.get_old_decision_display()} → "
                f"{self.get_new_decision_display()}")

    def locked_reason(self) -> str | None:
        return "已登记"


def doctor_in_scope(doctor: Doctor, region) -> bool:
    """A county user's doctors: those with an agreement at an institution of ``region``,
    or none at all yet (a new doctor being registered)."""
    if region is None or doctor.pk is None:
        return True
    agreements = Agreement.objects.filter(doctor=doctor)
    return not agreements.exists() or agreements.filter(institution__region=region).exists()
