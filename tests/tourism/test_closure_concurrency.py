"""Two corrections of one closure at the same instant (two clerks, or a double click): one
wins, the other is refused in Chinese — never the void table's unique-constraint error."""

import os
import threading

import pytest
from django.db import connections

from apps.tourism import services
from apps.tourism.models import FreeTourYear, ScenicSpot, SpotClosure, SpotClosureVoid

from .conftest import D


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="row locks: PostgreSQL (SQLite serialises writers anyway)")
@pytest.mark.django_db(transaction=True)
def test_two_corrections_at_once_void_the_closure_once():
    programme = FreeTourYear.objects.create(
        document="测试方案", year=2030, signed_on=D(2030, 1, 1), starts_on=D(2030, 1, 1),
        ends_on=D(2030, 12, 31), settle_by=D(2031, 5, 31))
    spot = ScenicSpot.objects.create(programme=programme, name="测试景区", core=True, position=1)
    closure = SpotClosure.objects.create(spot=spot, starts_on=D(2030, 3, 4), ends_on=D(2030, 3, 5))
    barrier = threading.Barrier(2)
    outcomes = []

    def correct(day):
        try:
            barrier.wait()
            services.closure_correct(closure=SpotClosure.objects.get(pk=closure.pk),
                                     reason="日期录错", ends_on=D(2030, 3, day))
            outcomes.append("ok")
        except Exception as exc:  # the loser: told so, nothing else
            outcomes.append(f"{type(exc).__name__}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=correct, args=(day,)) for day in (6, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [f"ValidationError: “{closure}”已作废,不能更正", "ok"], outcomes
    assert SpotClosureVoid.objects.filter(closure=closure).count() == 1
    assert SpotClosure.objects.filter(spot=spot).count() == 2  # the closure and one replacement
