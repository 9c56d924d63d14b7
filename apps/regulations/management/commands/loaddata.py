"""``loaddata`` as Django's, then the status periods of every registry document the fixtures
touched rebuilt (DOMAIN §3, issue 13 §1; review finding 9).

A fixture's rows are saved raw (``raw=True``): the period signals cannot rebuild then — a
document's events and links may come after it, and a fixture written by ``dumpdata
regulations`` carries the periods too — so the rows are noted as they load and each touched
document's periods are re-derived once, at the end, inside loaddata's transaction. The
dumped periods are replaced, never doubled; a fixture without them gets them. The rebuild
runs on the ``--database`` the fixtures went to, and as 系统 (the periods are derived data:
a county clerk's session or ``acting_as`` around the command does not refuse it).
"""

from __future__ import annotations

from django.core.management.commands import loaddata
from django.db.models.signals import post_save

from apps.core import authority
from apps.regulations import services


class Command(loaddata.Command):
    def loaddata(self, fixture_labels):
        touched: set[int] = set()

        def note(sender, instance, raw: bool = False, **kwargs) -> None:
            if raw:
                touched.update(services.periods_documents(instance))

        uid = f"regulations-loaddata-{id(touched)}"
        post_save.connect(note, weak=False, dispatch_uid=uid)
        try:
            super().loaddata(fixture_labels)
        finally:
            post_save.disconnect(dispatch_uid=uid)
        if touched:
            with authority.acting_as(None, authority.command_origin("loaddata")):
                services.periods_rebuild(document_ids=touched, using=self.using)
