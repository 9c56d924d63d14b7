"""Domain parsers for gazette articles.

A domain app registers a handler in its ``AppConfig.ready``::

    from apps.gazette.registry import register
    register("awards.decisions", numbers=["衢政发〔2020〕12号", ...], handler=parse_decision)

A handler receives the saved ``Article`` and returns a ``ParseResult``. Handlers must be
idempotent: importing the same gazette twice creates nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from apps.core.docnumbers import normalise


@dataclass
class ParseResult:
    created: int = 0
    updated: int = 0
    messages: list[str] = field(default_factory=list)  # what staff should look at

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def upsert(self, model, lookup: dict, values: dict):
        """The row for ``lookup``, created or brought to ``values``; counts what happened, so
        a second import of the same source counts nothing."""
        from apps.core.services import update_if_changed

        obj = model.objects.filter(**lookup).first()
        if obj is None:
            self.created += 1
            return model.objects.create(**lookup, **values)
        if update_if_changed(obj, values):
            self.updated += 1
        return obj


@dataclass
class Parser:
    name: str
    handler: Callable
    numbers: frozenset[str] = frozenset()
    predicate: Callable | None = None
    # A parser that only registers the document in the registry (its dates and links) does
    # not read the document's content: an article it alone takes is still ``unparsed``.
    registry_only: bool = False
    # A parser that links to records other documents' parsers create (organisations) runs
    # after every other parser of the issue, whatever the order of the articles.
    late: bool = False

    def matches(self, article) -> bool:
        if article.number in self.numbers:
            return True
        return bool(self.predicate and self.predicate(article))


_parsers: dict[str, Parser] = {}


def register(name: str, *, handler: Callable, numbers: list[str] | None = None,
             predicate: Callable | None = None, registry_only: bool = False,
             late: bool = False) -> None:
    """Register (or replace, on reload) the parser ``name``."""
    _parsers[name] = Parser(name, handler, frozenset(normalise(n) for n in numbers or []),
                            predicate, registry_only, late)


def parsers_for(article) -> list[Parser]:
    return [p for p in _parsers.values() if p.matches(article)]


def registered() -> list[str]:
    return sorted(_parsers)
