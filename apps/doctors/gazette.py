"""Gazette parser: checks the migrated violation catalogue against 衢医保发〔2020〕64号.

The catalogue itself is loaded by migration 0002 (it must exist before any gazette is
imported); this parser only reports items whose text differs from the printed one.
"""

from __future__ import annotations

import re

from apps.gazette.registry import ParseResult

NUMBER = "衢医保发〔2020〕64号"


def _squeeze(text: str) -> str:
    """Without whitespace: the gazette breaks lines and pages inside sentences."""
    return re.sub(r"\s+", "", text)


def check_catalogue(article) -> ParseResult:
    """Arts. 17–20: every catalogue item must be printed under its article; creates nothing."""
    from .models import ViolationItem

    body = _squeeze(article.body)
    messages = []
    for item in ViolationItem.objects.all():
        if f"({item.number}){_squeeze(item.text)}" not in body:
            messages.append(f"医保医师扣分条款{item.code}的文字与政报原文不一致,请核对")
    if ViolationItem.objects.count() != 29:
        messages.append(f"医保医师扣分目录应为29项,现为{ViolationItem.objects.count()}项")
    return ParseResult(created=0, updated=0, messages=messages)
