from django.core.management.base import BaseCommand, CommandError

from programmes.synthetic import grow_catalogue, grow_programmes


def count(text):
    """A whole number of records, zero or more."""
    try:
        value = int(text)
    except ValueError:
        raise ValueError(text) from None
    if value < 0:
        raise ValueError(text)
    return value


count.__name__ = "number of records"


class Command(BaseCommand):
    help = (
        "Grow the loaded catalogue with synthetic tools and programmes, for "
        "measurements and tests at scale: adds published, public records until "
        "there are N tools (and M programmes), each modelled on a bundled record "
        "(its links, and text from the words of its risk areas, in every language "
        "with content). The same seed always gives the same catalogue. Load the "
        "bundled catalogue first (load_catalogue)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--tools",
            type=count,
            required=True,
            metavar="N",
            help="How many tools the catalogue should hold in all.",
        )
        parser.add_argument(
            "--programmes",
            type=count,
            metavar="M",
            help="How many programmes the catalogue should hold in all.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=0,
            metavar="S",
            help="Chooses the synthetic records (default 0).",
        )

    def handle(self, *args, tools, programmes, seed, **options):
        try:
            added_tools = grow_catalogue(tools, seed=seed)
            added_programmes = grow_programmes(programmes or 0, seed=seed)
        except ValueError as error:
            raise CommandError(f"Nothing generated: {error}.") from None
        self.stdout.write(
            f"{added_tools} synthetic tools and {added_programmes} synthetic "
            "programmes added."
        )
