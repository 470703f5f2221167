import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookmyshow.settings")
django_application = get_wsgi_application()

# Both need the apps loaded.
from bookmyshow.errors import unreadable_requests_refused  # noqa: E402
from bookmyshow.serving import serving_checks_run  # noqa: E402

application = unreadable_requests_refused(django_application)
serving_checks_run()
