"""The WSGI application: the lean /r/ redirector in front of Django (``ambassade.tracking.fastpath``)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

from ambassade.tracking.fastpath import wrap  # noqa: E402  (needs Django set up)

application = wrap(django_application)
