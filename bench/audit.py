"""Lighthouse on the main pages, in English and Arabic, as users are served them.

    .venv/bin/python bench/audit.py                       # every page, en and ar
    .venv/bin/python bench/audit.py --languages en        # English only
    .venv/bin/python bench/audit.py --strict-performance  # a slow page fails too

Builds a throwaway SQLite database (migrate, load_catalogue), collects the static
files and starts `make serve` (DEBUG off, hashed static files, gunicorn; plain
http on loopback, so no https redirect) on --port. Then Lighthouse (npm, pinned by
package-lock.json; `npm ci` first) audits each page with Lighthouse's default
mobile settings in Debian's Chromium (CHROME_PATH, default /usr/bin/chromium).

Each report is written as JSON to --results (bench/results/audit/ by default),
with summary.json. It prints a table of the four scores per page and every audit
that cost points, and exits non-zero when a target is missed:

- accessibility, best practices and SEO: 100. A page that asks not to be indexed
  (meta robots or X-Robots-Tag `noindex`, e.g. search results) may lose SEO points
  for that one audit (`is-crawlable`) and no other.
- performance: 95. Lighthouse's performance score depends on how busy the machine
  is (its CPU times are measured, then slowed down four times), so a miss is
  reported and fails the run only with --strict-performance.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from serving import stop

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse"
RUNNER = Path(__file__).with_name("lighthouse.mjs")
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# (label, path without the language prefix)
PAGES = [
    ("home", "/"),
    ("programme list, filtered", "/programmes/?risk_area=drugs&risk_area=environment"),
    ("tool list", "/tools/"),
    ("programme", "/programmes/drugs-and-precursors-programme/"),
    ("tool", "/tools/cen/"),
    ("risk area", "/risk-areas/environment/"),
    ("coverage matrix", "/coverage/"),
    ("search", "/search/?q=fake+medicines"),
    (
        "compare",
        "/compare/?programme=drugs-and-precursors-programme"
        "&programme=environment-programme",
    ),
]
CATEGORIES = {
    "performance": "perf",
    "accessibility": "a11y",
    "best-practices": "best",
    "seo": "seo",
}
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
NOINDEX_AUDIT = "is-crawlable"
META_ROBOTS = re.compile(
    r"""<meta\s[^>]*name=["']robots["'][^>]*content=["']([^"']*)["']""", re.I
)


def log(message):
    print(f"==> {message}", flush=True)


def page_url(base, lang, path):
    return base + (path if lang == "en" else f"/{lang}{path}")


def wait_for(base, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"the portal did not answer {base}/healthz")


def noindex(url):
    """Whether the page at `url` asks not to be indexed; it must answer 200."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            header = response.headers.get("X-Robots-Tag", "")
            body = response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{url} answered {error.code}") from None
    meta = " ".join(META_ROBOTS.findall(body))
    return "noindex" in f"{header} {meta}".lower()


def score(report, category):
    value = report["categories"][category]["score"]
    return None if value is None else round(value * 100)


def lost_points(report, category):
    """The audits of `category` that cost points: (id, title, shown value)."""
    lost = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            lost.append((ref["id"], audit["title"], audit.get("displayValue", "")))
    return lost


def judge(report, is_noindex, strict_performance):
    """The misses of one report: a list of (category, explanation, failing)."""
    if report.get("runtimeError"):
        return [("run", report["runtimeError"].get("message", "?"), True)]
    misses = []
    for category, target in TARGETS.items():
        value = score(report, category)
        if value is not None and value >= target:
            continue
        lost = lost_points(report, category)
        failing = category != "performance" or strict_performance
        if category == "seo" and is_noindex:
            failing = any(audit_id != NOINDEX_AUDIT for audit_id, _, _ in lost)
        detail = "; ".join(
            f"{audit_id}{f' {shown}' if shown else ''}" for audit_id, _, shown in lost
        )
        misses.append((category, f"{value} < {target}: {detail or '?'}", failing))
    return misses


def print_table(rows):
    header = ["page", "lang", *CATEGORIES.values(), "noindex"]
    widths = [
        max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))
    ]
    for row in [header, *rows]:
        cells = [
            str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
        ]
        print("  ".join(cells).rstrip())


def start_portal(port, workdir, logs):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'audit.sqlite3'}",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WEB_CONCURRENCY": "2",
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }
    env.pop("REDIS_URL", None)
    for command in (["migrate", "--no-input", "-v0"], ["load_catalogue", "-v0"]):
        subprocess.run(
            [str(PYTHON), "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    output = open(logs, "w")  # noqa: SIM115 (closed with the server)
    server = subprocess.Popen(
        ["make", "serve", f"PORT={port}", "HOST=127.0.0.1"],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return server, output


def run_lighthouse(jobs, chrome, timeout):
    runner = subprocess.Popen(
        ["node", str(RUNNER), str(jobs)],
        cwd=ROOT,
        env={**os.environ, "CHROME_PATH": chrome},
    )
    try:
        code = runner.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        code = None
    finally:
        # SIGTERM lets the runner close its browser (SIGKILL would leave it running).
        if runner.poll() is None:
            runner.terminate()
            try:
                runner.wait(timeout=20)
            except subprocess.TimeoutExpired:
                runner.kill()
    if code is None:
        raise SystemExit(f"audit: Lighthouse took over {timeout} s")
    if code:
        raise SystemExit(f"audit: Lighthouse failed (exit status {code})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8310)
    parser.add_argument("--languages", nargs="+", default=["en", "ar"])
    parser.add_argument("--results", type=Path, default=ROOT / "bench/results/audit")
    parser.add_argument("--strict-performance", action="store_true")
    parser.add_argument(
        "--timeout", type=int, default=480, help="seconds for all Lighthouse runs"
    )
    options = parser.parse_args()
    # Stopped from outside (CI's time limit): stop the server on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("audit: stopped (SIGTERM)"))

    if not (LIGHTHOUSE / "package.json").is_file():
        raise SystemExit("Lighthouse is not installed: run `npm ci` first")
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not shutil.which(chrome):
        raise SystemExit(f"no Chromium at {chrome} (set CHROME_PATH)")
    if shutil.which("node") is None:
        raise SystemExit("Node.js is missing: Lighthouse needs it")

    results = options.results.resolve()
    if results.exists():
        shutil.rmtree(results)
    results.mkdir(parents=True)
    base = f"http://127.0.0.1:{options.port}"
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cep-audit-") as workdir:
        workdir = Path(workdir)
        log("Building the catalogue and starting the portal (make serve)")
        server, output = start_portal(options.port, workdir, results / "server.log")
        try:
            wait_for(base)
            pages = []
            for lang in options.languages:
                for label, path in PAGES:
                    url = page_url(base, lang, path)
                    name = f"{lang}-{re.sub(r'[^a-z]+', '-', label).strip('-')}"
                    pages.append(
                        {
                            "label": label,
                            "lang": lang,
                            "path": url.removeprefix(base),
                            "noindex": noindex(url),
                            "url": url,
                            "output": str(results / f"{name}.json"),
                        }
                    )
            jobs = workdir / "jobs.json"
            jobs.write_text(json.dumps({"chromeFlags": CHROME_FLAGS, "jobs": pages}))
            log(f"Lighthouse (mobile) on {len(pages)} pages")
            run_lighthouse(jobs, shutil.which(chrome), options.timeout)
        finally:
            stop(server)
            output.close()

    rows, summary, failed, reported, speeds = [], [], False, [], []
    for page in pages:
        report = json.loads(Path(page["output"]).read_text())
        speeds.append(report["environment"]["benchmarkIndex"])
        scores = {c: score(report, c) for c in CATEGORIES}
        misses = judge(report, page["noindex"], options.strict_performance)
        rows.append(
            [
                page["label"],
                page["lang"],
                *("-" if v is None else v for v in scores.values()),
                "yes" if page["noindex"] else "",
            ]
        )
        for category, explanation, failing in misses:
            mark = "FAIL" if failing else "note"
            reported.append(f"{mark} {page['path']}: {category} {explanation}")
            failed |= failing
        summary.append(
            {
                "page": page["label"],
                "path": page["path"],
                "noindex": page["noindex"],
                "scores": scores,
                "misses": [
                    {"category": c, "detail": d, "failing": f} for c, d, f in misses
                ],
            }
        )
    print()
    print_table(rows)
    if reported:
        print()
        print("\n".join(reported))
    (results / "summary.json").write_text(json.dumps(summary, indent=2))
    elapsed = time.monotonic() - started
    # Lighthouse's own measure of the CPU (higher is faster): compare performance
    # scores only between runs with similar figures.
    print(
        f"\nLighthouse {report['lighthouseVersion']}, CPU benchmark index "
        f"{min(speeds):.0f}-{max(speeds):.0f}; reports in {results} ({elapsed:.0f} s)"
    )
    if failed:
        raise SystemExit("audit: a target was missed (FAIL above)")
    print("audit: every target met" + (" (see the notes)" if reported else ""))


if __name__ == "__main__":
    sys.exit(main())
