import time

from django.core.management.base import BaseCommand, CommandError

from programmes.loader import (
    BUNDLED_FIXTURES,
    DEFAULT_WAIT,
    CatalogueError,
    load_catalogue,
)
from risk_areas.history import recorded_as


class Progress:
    """Says how far a long load has got, every few seconds, on standard error."""

    EVERY = 2.0  # seconds between lines
    SHORT = 2_000  # records: a load this short says nothing until it is done

    def __init__(self, stream):
        self.stream = stream
        self.last = time.monotonic()

    def __call__(self, done, total):
        now = time.monotonic()
        if total < self.SHORT or (now - self.last < self.EVERY and done < total):
            return
        self.last = now
        self.stream.write(
            f"Checked and merged {done:,} of {total:,} records ({done * 100 // total}%)"
        )


class Command(BaseCommand):
    help = (
        "Load the catalogue from Django fixture files written with natural keys and "
        "no primary keys (the format of dumpdata --natural-foreign --natural-primary). "
        "Without FILE, loads the bundled fixtures in this order: "
        f"{' '.join(BUNDLED_FIXTURES)}. "
        "Every record is checked (model, fields, values, references, constraints, "
        "duplicate slugs) and all are written in one transaction, rolled back on any "
        "problem, so a bad record leaves the database exactly as it was. Each record "
        "is created, or "
        "updated when a record with its natural key (slug) exists. A record is the "
        "full truth for "
        "the fields it lists: many-to-many fields are set to exactly the listed "
        "records. Fields it does not list keep their current value (a new record gets "
        "the model default). Records missing from the files are never deleted. "
        "Running it twice changes nothing the second time. One load runs at a "
        "time: a second waits for the first to finish (see --wait), then loads."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="*",
            metavar="FILE",
            help="Fixture files, loaded in the order given (a bare name is also looked "
            "for in the fixtures directory). Records may refer to records in any of "
            "them, or already in the database.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything and list the records that would be created or "
            "updated (with the changed fields), then write nothing.",
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=DEFAULT_WAIT,
            metavar="SECONDS",
            help="How long to wait for another load that is running to finish "
            f"before giving up, writing nothing (default {DEFAULT_WAIT}; 0 gives up "
            "at once).",
        )

    def handle(self, *args, files, dry_run, wait, verbosity, **options):
        def on_wait():
            self.stderr.write(
                f"Another load_catalogue run is writing the catalogue: waiting up "
                f"to {wait:g} s for it to finish."
            )

        if not 0 <= wait <= 24 * 3600:
            raise CommandError("--wait takes a number of seconds from 0 to 86400.")
        # Recorded with no user: the reason names the run.
        sources = ", ".join(files) or "fixtures/ (" + ", ".join(BUNDLED_FIXTURES) + ")"
        progress = Progress(self.stderr) if verbosity >= 1 else None
        try:
            with recorded_as(f"Loaded from {sources} by load_catalogue"):
                report = load_catalogue(
                    files,
                    dry_run=dry_run,
                    wait=wait,
                    on_wait=on_wait,
                    progress=progress,
                )
        except CatalogueError as error:
            if verbosity >= 2:
                for problem in error.problems:
                    self.stderr.write(problem)
            raise CommandError(f"{error.summary()} Nothing was written.") from None
        for line in report.lines(list_changes=verbosity >= 2):
            self.stdout.write(line)
