from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programmes.loader.dump import dump_catalogue


class Command(BaseCommand):
    help = (
        "Write the whole catalogue as one fixture file that load_catalogue reads: "
        "records named by natural key (slug), no primary keys, no users and no "
        "created/updated timestamps; renamed records' old slugs included, so their "
        "old addresses keep redirecting after loading the file elsewhere. The same "
        "catalogue always gives the same file. Writes to standard output without "
        "FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            metavar="FILE",
            help="Where to write the catalogue (replaced if it exists).",
        )

    def handle(self, *args, file, **options):
        text = dump_catalogue() + "\n"
        if not file:
            self.stdout.write(text, ending="")
            return
        path = Path(file)
        partial = path.with_name(f".{path.name}.partial")
        try:
            # Written beside the file and moved over it: never half a catalogue.
            partial.write_text(text, encoding="utf-8")
            partial.replace(path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(
                f"{file}: cannot be written ({error.strerror})."
            ) from None
