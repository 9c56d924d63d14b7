"""Normative-document registry (规范性文件, DOMAIN §3).

A document's status on any date is derived from its dated ``StatusEvent`` rows
(``selectors.standing_on``); there is no hand-edited status field.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.models import Organisation, VoidRecord


class Status(models.TextChoices):
    IN_FORCE = "in_force", "有效"
    TO_REVISE = "to_revise", "需修改"
    REPEALED = "repealed", "废止"
    INVALID = "invalid", "失效"
    NOT_YET_IN_FORCE = "not_yet_in_force", "尚未生效"


class Outcome(models.TextChoices):
    """A cleanup campaign's result for one listed document (继续有效/需修改/废止/宣布失效)."""

    CONTINUE = "continue", "继续有效"
    REVISE = "revise", "需修改"
    REPEAL = "repeal", "废止"
    INVALID = "invalid", "宣布失效"


OUTCOME_STATUS = {
    Outcome.CONTINUE: Status.IN_FORCE,
    Outcome.REVISE: Status.TO_REVISE,
    Outcome.REPEAL: Status.REPEALED,
    Outcome.INVALID: Status.INVALID,
}


# Documents being deleted: their events and links go first (cascade) and must not rebuild the
# periods of a document about to disappear (``services.periods_rebuild`` skips them).
DELETING: ContextVar[frozenset[int]] = ContextVar("regulations_deleting", default=frozenset())


@contextmanager
def documents_deleting(pks: Iterable[int]) -> Iterator[None]:
    """Mark ``pks`` as being deleted for the duration of the delete, and unmark them however
    it ends (a refused guard or a database error must not leave them marked: their later
    writes would stop rebuilding their periods; review finding 9)."""
    token = DELETING.set(DELETING.get() | frozenset(pks))
    try:
        yield
    finally:
        DELETING.reset(token)


class DocumentQuerySet(models.QuerySet):
    def delete(self):
        """Delete inside ``documents_deleting`` (the admin's 删除所选, a related manager)."""
        with documents_deleting(self.prefetch_related(None).values_list("pk", flat=True)):
            return super().delete()


class NormativeDocument(models.Model):
    """A normative document: number (normalised 〔〕 form and parts), title, issuer, date."""

    authority_scope = "city"  # the registry is city-wide (issue 9 §1)

    number = models.CharField("文号", max_length=60, null=True, blank=True,
                              help_text="规范写法 机关代字〔年份〕序号号;仅以标题和日期提及的文件可留空")
    number_issuer_code = models.CharField("机关代字", max_length=30, blank=True)
    number_year = models.PositiveIntegerField("文号年份", null=True, blank=True)
    number_serial = models.PositiveIntegerField("文号序号", null=True, blank=True)
    title = models.CharField("标题", max_length=300)
    issuer = models.ForeignKey(Organisation, verbose_name="发文机关", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="normative_documents")
    date = models.DateField("成文日期", null=True, blank=True)
    public = models.BooleanField("公开发布", default=False)
    source = models.CharField("来源", max_length=200, blank=True,
                              help_text="首次登记的依据,如 政报 衢环发〔2020〕66号 附件3")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = DocumentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "规范性文件"
        verbose_name_plural = "规范性文件"
        ordering = ["-number_year", "number_issuer_code", "number_serial", "title"]
        # The registry lists (admin, staff page, status events) in this order without sorting
        # the whole registry for one page (issue 13 §1; title search: trigram, migration 0004).
        # (the admin adds -pk to make the order total.)
        indexes = [models.Index(fields=["-number_year", "number_issuer_code", "number_serial",
                                        "title", "-id"], name="regdoc_list_order"),
                   # the admin list's sorts by 文号, 标题 and 成文日期 (issue 13 §1: each read and
                   # sorted the whole registry, ≈ 40 ms of SQL and a parallel worker a page)
                   models.Index(fields=["number", "-id"], name="regdoc_number_order"),
                   models.Index(fields=["title", "-id"], name="regdoc_title_order"),
                   models.Index(fields=["date", "-id"], name="regdoc_date_order")]
        constraints = [
            # One registry record per document number (DOMAIN §0: all bracket forms are one number).
            models.UniqueConstraint(fields=["number"], condition=Q(number__isnull=False),
                                    name="regdoc_number_unique"),
            # A document named only by title and date is recorded once.
            models.UniqueConstraint(fields=["title", "date"], condition=Q(number__isnull=True),
                                    name="regdoc_unnumbered_title_date_unique"),
            # Number parts are filled exactly when there is a number.
            models.CheckConstraint(
                condition=(Q(number__isnull=True) & Q(number_year__isnull=True))
                | (Q(number__isnull=False) & Q(number_year__isnull=False)
                   & Q(number_serial__isnull=False)),
                name="regdoc_number_parts_consistent",
                violation_error_message="有文号时必须填写机关代字、年份和序号;无文号时不填"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else f"《{self.title}》({self.date or '日期不详'})"

    @property
    def label(self) -> str:
        return self.number or f"《{self.title}》"

    def delete(self, *args, **kwargs):
        """Delete inside ``documents_deleting`` (its periods go with it, none rebuilt)."""
        with documents_deleting([self.pk]):
            return super().delete(*args, **kwargs)


class CleanupCampaign(models.Model):
    """A cleanup (清理) notice: issuer, number, effective date, announced totals per outcome."""

    authority_scope = "city"  # the registry is city-wide (issue 9 §1)

    document = models.OneToOneField(NormativeDocument, verbose_name="清理通知", null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="campaign")
    number = models.CharField("文号", max_length=60, unique=True)
    title = models.CharField("标题", max_length=300)
    issuer = models.ForeignKey(Organisation, verbose_name="发布机关", on_delete=models.PROTECT,
                               related_name="cleanup_campaigns")
    date = models.DateField("成文日期", null=True, blank=True)
    effective_date = models.DateField("施行日期", help_text="清理结果自该日起生效,之前状态不变")
    legal_basis = models.CharField("清理依据", max_length=300, blank=True)
    revise_deadline = models.DateField("需修改文件有效期截止", null=True, blank=True)
    announced_total = models.PositiveIntegerField("公布总数", null=True, blank=True,
                                                  help_text="正文未写“共计”时为空")
    announced_continue = models.PositiveIntegerField("公布继续有效数", null=True, blank=True)
    announced_revise = models.PositiveIntegerField("公布需修改数", null=True, blank=True)
    announced_repeal = models.PositiveIntegerField("公布废止数", null=True, blank=True)
    announced_invalid = models.PositiveIntegerField("公布宣布失效数", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "清理工作"
        verbose_name_plural = "清理工作"
        ordering = ["-effective_date", "number"]
        constraints = [
            # A campaign cannot take effect before it is signed.
            models.CheckConstraint(condition=Q(date__isnull=True) | Q(effective_date__gte=models.F("date")),
                                   name="campaign_effective_after_signing",
                                   violation_error_message="施行日期不能早于成文日期"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def announced(self) -> dict[str, int | None]:
        return {Outcome.CONTINUE: self.announced_continue, Outcome.REVISE: self.announced_revise,
                Outcome.REPEAL: self.announced_repeal, Outcome.INVALID: self.announced_invalid}


class CampaignItem(models.Model):
    """One listed document of a campaign; a number listed twice is stored once (DOMAIN §3)."""

    authority_scope = "city"  # the registry is city-wide (issue 9 §1)

    campaign = models.ForeignKey(CleanupCampaign, verbose_name="清理工作", related_name="items",
                                 on_delete=models.CASCADE)
    document = models.ForeignKey(NormativeDocument, verbose_name="文件", related_name="campaign_items",
                                 on_delete=models.PROTECT)
    outcome = models.CharField("清理结果", max_length=20, choices=Outcome.choices)
    position = models.PositiveIntegerField("目录序号")
    number_as_printed = models.CharField("原文文号", max_length=60, blank=True)
    title_as_printed = models.CharField("原文标题", max_length=300, blank=True)
    duplicate_positions = models.JSONField("重复列出的序号", default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "清理目录条目"
        verbose_name_plural = "清理目录条目"
        ordering = ["campaign", "outcome", "position"]
        constraints = [
            # A document has one result per campaign, even when the list prints it twice.
            models.UniqueConstraint(fields=["campaign", "document"], name="campaign_item_once"),
            # A list position holds one document.
            models.UniqueConstraint(fields=["campaign", "outcome", "position"],
                                    name="campaign_item_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.number} {self.get_outcome_display()}第{self.position}项 {self.document.label}"


class DocumentLink(models.Model):
    """“source repeals/replaces/amends target” (原…同时废止), readable both ways."""

    authority_scope = "city"  # the registry is city-wide (issue 9 §1)

    class Kind(models.TextChoices):
        REPEALS = "repeals", "废止"
        REPLACES = "replaces", "替代"
        AMENDS = "amends", "修改"

    source = models.ForeignKey(NormativeDocument, verbose_name="新文件", related_name="links_out",
                               on_delete=models.CASCADE)
    target = models.ForeignKey(NormativeDocument, verbose_name="被作用文件", related_name="links_in",
                               on_delete=models.CASCADE)
    kind = models.CharField("关系", max_length=20, choices=Kind.choices)
    effective_date = models.DateField("生效日期", null=True, blank=True)
    clause = models.TextField("原文条款", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "文件关系"
        verbose_name_plural = "文件关系"
        constraints = [
            # One link of a kind between two documents.
            models.UniqueConstraint(fields=["source", "target", "kind"], name="doclink_once"),
            # A document does not repeal itself.
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="doclink_not_self",
                                   violation_error_message="文件不能废止或替代自身"),
        ]

    def __str__(self) -> str:
        return f"{self.source.label} {self.get_kind_display()} {self.target.label}"


class StatusEvent(models.Model):
    """A dated status change; the status on a date is the last event effective on or before it."""

    authority_scope = "city"  # the registry is city-wide (issue 9 §1)

    class Cause(models.TextChoices):
        BASELINE = "baseline", "已有文件(施行日期不详)"
        ISSUED = "issued", "发布/施行"
        CAMPAIGN = "campaign", "清理"
        REPEAL = "repeal", "被新文件废止/替代"
        LAPSE = "lapse", "修改期满未重新公布"
        MANUAL = "manual", "人工录入"
        IMPORT = "import", "表格导入"

    document = models.ForeignKey(NormativeDocument, verbose_name="文件", related_name="events",
                                 on_delete=models.CASCADE)
    status = models.CharField("状态", max_length=20, choices=Status.choices)
    effective_date = models.DateField("生效日期", null=True, blank=True,
                                      help_text="为空表示自某个不详的日期起")
    cause = models.CharField("原因", max_length=20, choices=Cause.choices)
    campaign = models.ForeignKey(CleanupCampaign, verbose_name="清理工作", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="events")
    repealed_by = models.ForeignKey(NormativeDocument, verbose_name="废止/替代文件", null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="caused_events")
    deadline = models.DateField("修改截止日期", null=True, blank=True,
                                help_text="需修改的文件在此日之后失效,除非已被新文件替代")
    note = models.CharField("说明", max_length=300, blank=True)
    applied_at = models.DateTimeField("夜间任务确认生效时间", null=True, blank=True)
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "状态变更"
        verbose_name_plural = "状态变更"
        ordering = ["document", models.F("effective_date").asc(nulls_first=True), "id"]
        # Status on a date picks each document's latest event on or before it (selectors).
        indexes = [models.Index(fields=["document", "effective_date"], name="event_doc_date_idx"),
                   # the status events list's sorts (issue 13 §1: each sorted every event)
                   models.Index(fields=["effective_date", "-id"], name="regevent_date_order"),
                   models.Index(fields=["status", "-id"], name="regevent_status_order"),
                   models.Index(fields=["cause", "-id"], name="regevent_cause_order"),
                   models.Index(fields=["deadline", "-id"], name="regevent_deadline_order"),
                   models.Index(fields=["applied_at", "-id"], name="regevent_applied_order")]
        constraints = [
            # A campaign gives a document one status (the duplicate listing counts once).
            models.UniqueConstraint(fields=["document", "campaign"],
                                    condition=Q(cause="campaign"), name="event_campaign_once"),
            # A repealing document acts on a document once.
            models.UniqueConstraint(fields=["document", "repealed_by"],
                                    condition=Q(cause="repeal"), name="event_repeal_once"),
            # One baseline and one lapse per document.
            models.UniqueConstraint(fields=["document", "cause"],
                                    condition=Q(cause__in=["baseline", "lapse"]),
                                    name="event_baseline_lapse_once"),
            # Publication gives each status once (尚未生效 then 有效).
            models.UniqueConstraint(fields=["document", "cause", "status"],
                                    condition=Q(cause="issued"), name="event_issued_once"),
            # 需修改 always carries its deadline, and only 需修改 does.
            models.CheckConstraint(
                condition=(Q(status="to_revise") & Q(deadline__isnull=False))
                | (~Q(status="to_revise") & Q(deadline__isnull=True)),
                name="event_deadline_iff_to_revise",
                violation_error_message="状态为需修改时必须填写修改截止日期,其他状态不填"),
            # A campaign event names its campaign; a repeal names the repealing document.
            models.CheckConstraint(condition=~Q(cause="campaign") | Q(campaign__isnull=False),
                                   name="event_campaign_named",
                                   violation_error_message="原因为清理时必须选择清理工作"),
            models.CheckConstraint(condition=~Q(cause="repeal") | Q(repealed_by__isnull=False),
                                   name="event_repealer_named",
                                   violation_error_message="原因为被废止/替代时必须选择废止文件"),
            # Only the baseline may be undated.
            models.CheckConstraint(condition=Q(cause="baseline") | Q(effective_date__isnull=False),
                                   name="event_dated_unless_baseline",
                                   violation_error_message="除“已有文件”外,状态变更必须填写生效日期"),
        ]

    def __str__(self) -> str:
        return f"{self.document.label} {self.effective_date or '日期不详'} {self.get_status_display()}"

    def locked_reason(self) -> str | None:
        """A recorded status change is never edited or deleted (issue 9 §4): a mistake is
        voided by a ``StatusEventVoid`` with a reason (``services.event_void``/``event_correct``);
        only the gazette importer re-derives the events it wrote, inside ``deriving()``."""
        return "是已记录的状态变更"

    @property
    def voided(self) -> bool:
        return StatusEventVoid.objects.filter(event_id=self.pk).exists()

    @property
    def by(self) -> str | None:
        """The act that caused the change, as staff cite it."""
        if self.cause == self.Cause.CAMPAIGN and self.campaign_id:
            return self.campaign.number
        if self.cause == self.Cause.REPEAL and self.repealed_by_id:
            return self.repealed_by.label
        if self.cause == self.Cause.ISSUED:
            return self.document.label
        if self.cause == self.Cause.BASELINE:
            return None  # in force since an unknown act; the note says where it was listed
        return self.get_cause_display()


class StatusEventVoid(VoidRecord):
    """A status event declared wrong (作废), with the reason, who and when (issue 9 §4).

    The event stays in the registry as it was recorded; the status on a date and the
    timeline ignore it from then on. A correction is a void plus a new event
    (``replacement``) recorded by ``services.event_correct``. Voids are never edited either.
    """

    event = models.OneToOneField(StatusEvent, verbose_name="被作废的状态变更",
                                 related_name="void", on_delete=models.PROTECT)
    replacement = models.OneToOneField(StatusEvent, verbose_name="更正后的状态变更", null=True,
                                       blank=True, related_name="corrects",
                                       on_delete=models.PROTECT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "状态变更作废记录"
        verbose_name_plural = "状态变更作废记录"
        ordering = ["-voided_at", "-id"]
        constraints = [
            # A void needs a reason (the trail must say why the record stopped counting).
            models.CheckConstraint(condition=~Q(reason=""), name="event_void_reason_given",
                                   violation_error_message="请填写作废/更正原因"),
        ]

    def __str__(self) -> str:
        return f"作废:{self.event}({self.reason})"


class StatusPeriod(models.Model):
    """A period of one status, derived from the document's counting events, voids and
    replacing links (``periods.derive``, the rule of ``selectors.with_status_on``) so that
    "status X on date D" is an index range scan (issue 13 §1). Rebuilt per document by
    ``services.periods_rebuild`` whenever one of those is written; never edited by hand
    (no admin). A future lapse (需修改 past its deadline) is already a period here."""

    derived_table = True  # rewritten by services only; no admin of its own (test_conventions)

    document = models.ForeignKey(NormativeDocument, verbose_name="文件", related_name="periods",
                                 on_delete=models.CASCADE)
    status = models.CharField("状态", max_length=20, choices=Status.choices)
    valid_from = models.DateField("起始日期", help_text="含当日;0001-01-01 表示自某个不详的日期起")
    valid_to = models.DateField("截止日期", help_text="不含当日;9999-12-31 表示至今仍然如此")

    class Meta:
        verbose_name = "状态时段(推算)"
        verbose_name_plural = "状态时段(推算)"
        ordering = ["document", "valid_from"]
        indexes = [
            # "status X on D": status equal, valid_to > D as the range, valid_from <= D and the
            # document read from the index itself.
            models.Index(fields=["status", "valid_to", "valid_from", "document"],
                         name="period_status_on_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(valid_from__lt=models.F("valid_to")),
                                   name="period_not_empty",
                                   violation_error_message="时段的起始日期必须早于截止日期"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.get_status_display()} {self.valid_from}–{self.valid_to}"


class ReconciliationReport(models.Model):
    """What an import found: announced totals vs the lists, duplicates, non-standard numbers."""

    authority_scope = "city"  # the registry is city-wide (issue 9 §1)

    source_number = models.CharField("来源文号", max_length=60, unique=True)
    campaign = models.OneToOneField(CleanupCampaign, verbose_name="清理工作", null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="reconciliation")
    announced = models.JSONField("公布数", default=dict, blank=True)
    listed = models.JSONField("目录条目数", default=dict, blank=True)
    distinct = models.JSONField("去重后文件数", default=dict, blank=True)
    balanced = models.BooleanField("公布数与目录一致", default=True)
    findings = models.JSONField("发现的问题", default=list, blank=True)
    checked_at = models.DateTimeField("核对时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "导入核对报告"
        verbose_name_plural = "导入核对报告"
        ordering = ["source_number"]

    def __str__(self) -> str:
        return f"{self.source_number} 核对报告({'一致' if self.balanced else '有差异'})"
