"""Demo data for awards: the seed gazette's decisions are already imported; report them."""

from __future__ import annotations

from . import selectors
from .models import Decision, Person, Recipient


def load(stdout) -> str:
    """Idempotent: nothing is written; the gazette import (run before) supplies the data."""
    several = selectors.people_with_several_decisions().count()
    mismatches = len(selectors.mismatched_sections())
    return (f"表彰决定 {Decision.objects.count()} 件,受表彰对象 {Recipient.objects.count()} 个,"
            f"人员 {Person.objects.count()} 人(其中 {several} 人多次受表彰),数量不符栏目 {mismatches} 个"
            ";人员档案见 /awards/people/")
