"""The demo has doctors with deductions in every band and loads idempotently."""

import pytest
from django.utils import timezone

from apps.doctors import demo, selectors
from apps.doctors.models import Consequence, Doctor, PointDeduction

pytestmark = pytest.mark.django_db


def test_demo_covers_every_band_and_a_second_load_adds_nothing(regions):
    demo.load()
    year = timezone.localdate().year
    points = sorted(selectors.year_points(doctor=d, year=year) for d in Doctor.objects.all())
    assert points == [0, 3, 6, 9, 10, 11, 12, 12]
    rules = set(Consequence.objects.values_list("rule", flat=True))
    assert {"band6", "band9", "band12", "single12"} <= rules
    counts = (Doctor.objects.count(), PointDeduction.objects.count(), Consequence.objects.count())
    demo.load()
    assert (Doctor.objects.count(), PointDeduction.objects.count(), Consequence.objects.count()) == counts
