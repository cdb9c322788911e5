"""Contention on a file SQLite database, run in a process of its own.

`python -m tests.cep_portal.sqlite_scenarios locked|simultaneous` with
DATABASE_URL pointing at an empty SQLite file: migrates it, plays the scenario
through Django's test client and prints what each request answered as JSON. The
suite's own database is in memory, where another connection cannot hold a lock
the way a second app server's would.
"""

import json
import os
import sqlite3
import sys
import threading

import django

UNAVAILABLE = "The portal is busy"
CONFLICT = "Someone else saved this record"


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cep_portal.settings")
    os.environ["DJANGO_SSL_REDIRECT"] = "0"
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # testserver allowed, templates' context recorded
    # The manifest storage needs collectstatic first, as in the suite.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    call_command("migrate", verbosity=0)


def admin_and_partner():
    from django.contrib.auth import get_user_model

    from programmes.models import Partner

    admin = get_user_model().objects.create_superuser("admin", password="pw-x-123")
    partner = Partner.objects.create(name="UNODC", slug="unodc", description="Old.")
    return admin, partner


def change_form_data(client, url):
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = [str(v) for v in value] if isinstance(value, list) else value
    return data


def signed_in_client(admin):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(admin)
    return client


def describe(response):
    text = response.content.decode(errors="replace")
    return {
        "status": response.status_code,
        "busy": UNAVAILABLE in text,
        "conflict": CONFLICT in text,
    }


def locked():
    """Another connection holds the write lock longer than the busy timeout."""
    from django.db import connection
    from django.urls import reverse

    from programmes.models import Partner

    admin, partner = admin_and_partner()
    client = signed_in_client(admin)
    url = reverse("admin:programmes_partner_change", args=[partner.pk])
    data = change_form_data(client, url)
    data["description_en"] = "New."
    connection.close()
    connection.settings_dict["OPTIONS"]["timeout"] = 0.2

    holder = sqlite3.connect(connection.settings_dict["NAME"])
    holder.execute("BEGIN IMMEDIATE")
    while_locked = {
        "read": describe(client.get(reverse("programmes:partner-list"))),
        "save": describe(client.post(url, data)),
    }
    saved_while_locked = Partner.objects.get(pk=partner.pk).description_en
    holder.rollback()
    holder.close()
    after = describe(client.post(url, data))
    return {
        **while_locked,
        "saved_while_locked": saved_while_locked,
        "save_after": after,
        "saved_after": Partner.objects.get(pk=partner.pk).description_en,
    }


def simultaneous(editors=8):
    """Several editors save the same record at the same moment."""
    from django.db import connections
    from django.urls import reverse

    admin, partner = admin_and_partner()
    url = reverse("admin:programmes_partner_change", args=[partner.pk])
    clients = [signed_in_client(admin) for _ in range(editors)]
    forms = []
    for number, client in enumerate(clients):
        data = change_form_data(client, url)
        data["description_en"] = f"Edit {number}."
        forms.append(data)
    connections.close_all()
    start = threading.Barrier(editors)
    results = [None] * editors

    def save(number):
        try:
            start.wait()
            results[number] = describe(clients[number].post(url, forms[number]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    from programmes.models import Partner

    return {
        "results": results,
        "saved": Partner.objects.get(pk=partner.pk).description_en,
    }


if __name__ == "__main__":
    setup()
    scenario = {"locked": locked, "simultaneous": simultaneous}[sys.argv[1]]
    print(json.dumps(scenario()))
