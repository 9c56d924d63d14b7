from django.db import models
from simple_history.models import HistoricalRecords


class GazetteIssue(models.Model):
    """One issue of 衢州政报 as imported (identified by the text's SHA-256).

    City-wide (issue 9 §1): county-level staff read it; history kept so a deletion leaves
    the old values in 审计记录 (issue 9 §5)."""

    authority_scope = "city"

    title = models.CharField("刊期", max_length=200)
    source_name = models.CharField("来源文件", max_length=300)
    sha256 = models.CharField("内容摘要", max_length=64, unique=True)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    toc_count = models.PositiveIntegerField("目录篇数", default=0)
    report = models.JSONField("导入报告", default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "政报刊期"
        verbose_name_plural = "政报刊期"
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.title


class Article(models.Model):
    """A document printed in an issue: number, title, issuing body, date, body text."""

    authority_scope = "city"

    issue = models.ForeignKey(GazetteIssue, verbose_name="刊期", related_name="articles",
                              on_delete=models.CASCADE)
    order = models.PositiveIntegerField("顺序")
    number = models.CharField("文号", max_length=60, db_index=True)
    number_as_printed = models.CharField("原文文号", max_length=60)
    issuer_code = models.CharField("机关代字", max_length=30)
    year = models.PositiveIntegerField("年份")
    serial = models.PositiveIntegerField("序号")
    title = models.CharField("标题", max_length=300)
    issuing_body = models.CharField("发文机关", max_length=100, blank=True)
    date = models.DateField("成文日期", null=True, blank=True)
    public = models.BooleanField("公开发布", default=False)
    kind = models.CharField("文种", max_length=20, blank=True)
    body = models.TextField("正文")
    first_line = models.PositiveIntegerField("起始行")
    parsed_by = models.JSONField("解析结果", default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "政报文件"
        verbose_name_plural = "政报文件"
        ordering = ["issue", "order"]
        constraints = [
            # A number appears once per issue.
            models.UniqueConstraint(fields=["issue", "number"], name="article_number_once_per_issue"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
