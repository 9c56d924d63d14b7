import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qzgov.settings")
application = get_wsgi_application()

# Start-up's objects frozen out of the garbage collector, larger thresholds (issue 13 §1, §3).
from apps.core import gc_tuning  # noqa: E402

gc_tuning.tune()
