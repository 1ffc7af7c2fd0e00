import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "somerset_safety.settings")
application = get_wsgi_application()

from somerset_safety.core.checks import refuse_to_start_if_misconfigured  # noqa: E402 - needs Django set up

refuse_to_start_if_misconfigured()
