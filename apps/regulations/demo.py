"""Demo data: the gazette import already loads the registry; here only the nightly pass."""

from __future__ import annotations

from .models import NormativeDocument
from .services import transitions_apply


def load(stdout) -> str:
    """Idempotent: confirm transitions up to today (lapses the three 需修改 documents)."""
    counts = transitions_apply()
    return (f"规范性文件 {NormativeDocument.objects.count()} 件;"
            f"夜间处理:确认 {counts['applied']} 条,失效 {counts['lapsed']} 件")
