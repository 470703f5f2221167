import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookmyshow.settings")
application = get_wsgi_application()

from bookmyshow.serving import serving_checks_run  # noqa: E402  (needs the apps loaded)

serving_checks_run()
