"""Screenshots of the main pages, desktop and phone, English and Arabic.

    .venv/bin/python bench/screenshots.py               # into docs/screenshots/
    .venv/bin/python bench/screenshots.py --out /tmp/shots --pages home coverage

Starts the portal as bench/audit.py does (throwaway SQLite database, the bundled
catalogue, `make serve` with DEBUG off) and saves, with Debian's Chromium driven by
Playwright (the `browser` extra), the first screen of each page at 1280x800
(desktop) and 390x844 (a phone, touch screen) as `<page>-<lang>-<width>.png`, e.g.
`coverage-ar-phone.png`. The names stay the same from run to run, so a rerun
replaces the files and git shows what changed. Each image is reduced to 256
colours (Pillow), which keeps text sharp and the set small.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from audit import CHROME_FLAGS, page_url, start_portal, stop, wait_for

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# (name, path without the language prefix)
PAGES = [
    ("home", "/"),
    ("programmes", "/programmes/?risk_area=drugs"),
    ("programme", "/programmes/drugs-and-precursors-programme/"),
    ("tools", "/tools/"),
    ("tool", "/tools/cen/"),
    ("risk-area", "/risk-areas/environment/"),
    ("coverage", "/coverage/"),
    ("search", "/search/?q=fake+medicines"),
    (
        "compare",
        "/compare/?programme=drugs-and-precursors-programme"
        "&programme=environment-programme",
    ),
]
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
    },
}


def optimise(path):
    """Rewrite the PNG at `path` with a 256-colour palette."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT
        )
    small.save(path, optimize=True)


def take(base, pages, languages, out):
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROME_FLAGS
        )
        try:
            for device, options in DEVICES.items():
                context = browser.new_context(locale="en-GB", **options)
                page = context.new_page()
                for name, path in pages:
                    for lang in languages:
                        url = page_url(base, lang, path)
                        response = page.goto(url, wait_until="load")
                        if response is None or response.status != 200:
                            status = response and response.status
                            raise SystemExit(f"{url} answered {status}")
                        file = out / f"{name}-{lang}-{device}.png"
                        page.screenshot(path=str(file), animations="disabled")
                        optimise(file)
                        saved.append(file)
                        print(f"{file.name}  {file.stat().st_size // 1024} KiB")
                context.close()
        finally:
            browser.close()
    return saved


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8311)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--languages", nargs="+", default=["en", "ar"])
    parser.add_argument(
        "--pages",
        nargs="+",
        choices=[name for name, _ in PAGES],
        help="only these pages (all by default)",
    )
    options = parser.parse_args()
    pages = [(n, p) for n, p in PAGES if not options.pages or n in options.pages]

    started = time.monotonic()
    base = f"http://127.0.0.1:{options.port}"
    with tempfile.TemporaryDirectory(prefix="cep-screenshots-") as workdir:
        workdir = Path(workdir)
        server, output = start_portal(options.port, workdir, workdir / "server.log")
        try:
            wait_for(base)
            saved = take(base, pages, options.languages, options.out.resolve())
        finally:
            stop(server)
            output.close()
    total = sum(file.stat().st_size for file in saved)
    print(
        f"{len(saved)} screenshots, {total / 2**20:.1f} MiB, in {options.out} "
        f"({time.monotonic() - started:.0f} s)"
    )


if __name__ == "__main__":
    sys.exit(main())
