"""The baseline for bench/pages.py: one Django view that answers "Hello, world".

A whole Django project in one file, with the portal's own middleware left out:
what the framework and the app server cost before the portal does any work.

    gunicorn --chdir bench hello_world:application
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="hello-world-baseline-not-secret",  # noqa: S106 (serves no secrets)
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
    ],
)


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("", hello), path("<path:anything>", hello)]
application = get_wsgi_application()
