"""Two app servers, one PostgreSQL, one Redis: an edit through one is seen through
the other at once, and a bounded load run across both answers without errors.

    .venv/bin/python bench/two_servers.py                 # 60 s, 64 connections
    .venv/bin/python bench/two_servers.py --duration 10   # a quick look

Starts two `make serve` instances on loopback ports against a throwaway
PostgreSQL database and a Redis database, migrates and loads the catalogue,
edits a partner through the first server's admin and reads it through the
second, then runs wrk against both at once (half the connections each) over
the main pages. Prints the requests per second and the p50/p99 latency of each
server; exits non-zero on a stale read, an error answer or a failed start.
Needs PostgreSQL, Redis and wrk; loopback only.
"""

import argparse
import http.cookiejar
import os
import re
import secrets
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

from serving import stop, wait_for, wrk_command, wrk_summary

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PORTS = (8201, 8202)
PAGES = [
    "/",
    "/programmes/",
    "/programmes/?risk_area=drugs&risk_area=environment",
    "/tools/",
    "/tools/?q=container",
    "/search/?q=fake+medicines",
    "/coverage/",
    "/risk-areas/environment/",
    "/programmes/environment-programme/",
    "/tools/cen/",
    "/partners/",
    "/fr/programmes/",
    "/ar/tools/",
]
WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def log(message):
    print(f"==> {message}", flush=True)


class FormReader(HTMLParser):
    """The fields of the form with id `form_id`: name -> list of values."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.fields, self.inside, self.done = {}, False, False
        self.textarea = self.select = None
        self.selected = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.done:
            return
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.setdefault(name, []).append(attrs.get("value", "on"))
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields.setdefault(name, []).append("")
        elif tag == "select" and name:
            self.select, self.selected = name, []
        elif tag == "option" and self.select and "selected" in attrs:
            self.selected.append(attrs.get("value", ""))

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select:
            self.fields[self.select] = self.selected
            self.select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


class Browser:
    """A cookie-keeping client for one server."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar)
        )
        self.jar = jar

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, path, fields):
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()

    def form(self, path, form_id):
        reader = FormReader(form_id)
        reader.feed(self.get(path)[1])
        return reader.fields


def manage(env, *args):
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)


def edit_through_one_read_through_other(env, password):
    """Rename a partner in the first server's admin; read it from the second."""
    first, second = Browser(PORTS[0]), Browser(PORTS[1])
    slug = "interpol"
    page = f"/partners/{slug}/"
    status, before = second.get(page)
    assert status == 200, f"{page} answered {status}"
    login = first.form("/admin/login/", "login-form")
    login.update(username=["admin"], password=[password], next=["/admin/"])
    first.post("/admin/login/", login)
    _status, changelist = first.get(f"/admin/programmes/partner/?q={slug}")
    found = re.search(
        r'href="(/admin/programmes/partner/\d+/change/)[^"]*"', changelist
    )
    if not found:
        raise SystemExit("the admin did not list the partner (sign-in failed?)")
    change = found.group(1)
    fields = first.form(change, "partner_form")
    name = f"INTERPOL renamed {secrets.token_hex(3)}"
    fields["name_en"] = [name]
    fields["_save"] = ["Save"]
    status, body = first.post(change, fields)
    problems = re.findall(r'errorlist[^>]*id="id_([^"]+)_error"', body)
    if status != 200 or problems:
        raise SystemExit(f"the admin refused the edit: {status} {problems[:3]}")
    status, after = second.get(page)
    if name not in after:
        raise SystemExit(f"stale: the second server still shows the old name of {page}")
    log(f"edit through :{PORTS[0]} seen through :{PORTS[1]} at once ({name})")


def run_wrk(port, connections, duration, script):
    url = f"http://127.0.0.1:{port}"
    command = wrk_command(
        url, connections=connections, duration=duration, script=script
    )
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()

    database = f"{options.postgres.rstrip('/')}/cep_two_servers"
    password = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "REDIS_URL": options.redis,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WEB_CONCURRENCY": str(options.workers),
        "HOST": "127.0.0.1",
    }
    admin_db = f"{options.postgres.rstrip('/')}/postgres"
    drop = "DROP DATABASE IF EXISTS cep_two_servers WITH (FORCE)"
    for statement in (drop, "CREATE DATABASE cep_two_servers"):
        subprocess.run(["psql", admin_db, "-qc", statement], check=True)
    servers, logs = [], tempfile.mkdtemp(prefix="cep-two-servers-")
    try:
        log("Migrating and loading the catalogue")
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "load_catalogue", "-v0")
        manage(
            env,
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model; "
            f"get_user_model().objects.create_superuser('admin', '', '{password}')",
        )
        subprocess.run(
            ["redis-cli", "-u", options.redis, "flushdb"],
            check=False,
            capture_output=True,
        )
        # Installed and collected once, before the servers start one after the
        # other: `make serve` runs both steps again, with nothing left to do.
        subprocess.run(["make", "static"], cwd=ROOT, env=env, check=True)
        for port in PORTS:
            output = open(Path(logs) / f"server-{port}.log", "w")  # noqa: SIM115
            servers.append(
                subprocess.Popen(
                    ["make", "serve", f"PORT={port}", "HOST=127.0.0.1"],
                    cwd=ROOT,
                    env={**env, "PORT": str(port)},
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            wait_for(port, process=servers[-1])
        log(f"Two servers up on ports {PORTS[0]} and {PORTS[1]}")
        edit_through_one_read_through_other(env, password)

        script = Path(logs) / "pages.lua"
        script.write_text(WRK_SCRIPT % ", ".join(f'"{page}"' for page in PAGES))
        half = max(1, options.connections // 2)
        log(
            f"wrk: {options.duration} s, {half} connections on each server, "
            f"{len(PAGES)} pages in turn"
        )
        runs = [run_wrk(port, half, options.duration, str(script)) for port in PORTS]
        failed = False
        for port, run in zip(PORTS, runs, strict=True):
            output, _ = run.communicate()
            result = wrk_summary(output)
            socket = result["socket"]
            print(
                f"server :{port}: {result['rps']:.1f} requests/s, "
                f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, "
                f"errors {result['errors']}"
                + (f" (socket: {socket})" if socket else "")
            )
            failed |= result["errors"] > 0 or run.returncode != 0
        if failed:
            raise SystemExit("errors under load (see above)")
        log("No errors under load")
    finally:
        for server in servers:
            stop(server)
        subprocess.run(["psql", admin_db, "-qc", drop], check=False)


if __name__ == "__main__":
    sys.exit(main())
