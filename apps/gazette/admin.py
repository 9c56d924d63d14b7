from django.contrib import admin
from django.utils.html import format_html_join
from simple_history.admin import SimpleHistoryAdmin

from apps.core import labels

from .models import Article, GazetteIssue


class ArticleInline(admin.TabularInline):
    model = Article
    fields = ["order", "number", "title", "issuing_body", "date", "kind"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(GazetteIssue)
class GazetteIssueAdmin(SimpleHistoryAdmin):
    """Read-only to county-level staff (``authority_scope``); deleting an issue (and its
    articles) leaves 删除 entries with the old values in 审计记录 (issue 9 §5)."""

    list_display = ["title", "source_name", "toc_count", "imported_at"]
    readonly_fields = ["title", "source_name", "sha256", "toc_count", "imported_at", "report_view"]
    exclude = ["report"]
    inlines = [ArticleInline]

    @admin.display(description="导入报告(需人工处理的事项)")
    def report_view(self, obj):
        items = list(obj.report.get("unplaced", []))
        for name, result in obj.report.get("parser_results", {}).items():
            items.extend(f"[{labels.parser_label(name)}] {m}" for m in result.get("messages", []))
        return format_html_join("", "<div>{}</div>", ((i,) for i in items)) or "无"


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "issuing_body", "date", "kind", "public"]
    list_filter = ["issuing_body", "kind", "year"]
    search_fields = ["number", "title", "body"]
    readonly_fields = [f.name for f in Article._meta.fields if f.name != "parsed_by"] + ["parsed"]
    exclude = ["parsed_by"]

    @admin.display(description="解析结果")
    def parsed(self, obj):
        return labels.json_table(obj.parsed_by)
