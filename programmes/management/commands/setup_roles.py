from django.core.management.base import BaseCommand, CommandError

from programmes.roles import RolesError, ensure_roles


class Command(BaseCommand):
    help = (
        'Create the staff groups, or complete them: "Members" may see restricted '
        'records; "Editors" may add, change and view every catalogue record and '
        "delete coverage links. Safe to run again: it only adds what is missing."
    )

    def handle(self, *args, **options):
        try:
            done = ensure_roles()
        except RolesError as error:
            raise CommandError(str(error)) from None
        for line in done:
            self.stdout.write(line)
        if not done:
            self.stdout.write("Roles already in place: Members, Editors.")
