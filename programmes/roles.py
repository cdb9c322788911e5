"""The staff roles: the groups staff accounts are put in, and their permissions.

`manage.py setup_roles` is a thin wrapper around `ensure_roles()`.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from .editorial import VIEW_RESTRICTED_PERMISSION
from .loader import CATALOGUE_MODELS
from .models import ProgrammeCoverage, ToolCoverage

# Editors may delete coverage links, never the records themselves.
DELETABLE_MODELS = [ProgrammeCoverage, ToolCoverage]


class RolesError(Exception):
    pass


def role_permissions():
    """Group name -> permissions ("app_label.codename") the group must hold."""
    editors = []
    for model in CATALOGUE_MODELS:
        actions = ["add", "change", "view"]
        if model in DELETABLE_MODELS:
            actions.append("delete")
        opts = model._meta
        editors += [
            f"{opts.app_label}.{action}_{opts.model_name}" for action in actions
        ]
    return {"Members": [VIEW_RESTRICTED_PERMISSION], "Editors": editors}


def ensure_roles():
    """Create the groups and give them their permissions; return what was done.

    Adds what is missing and never removes a permission an administrator added.
    """
    for app_config in {model._meta.app_config for model in CATALOGUE_MODELS}:
        create_permissions(app_config, verbosity=0)
    done = []
    for name, wanted in role_permissions().items():
        permissions = []
        for permission_name in wanted:
            app_label, codename = permission_name.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None:
                raise RolesError(
                    f'Permission "{permission_name}" does not exist; run migrate first.'
                )
            permissions.append(permission)
        group, created = Group.objects.get_or_create(name=name)
        held = set(group.permissions.values_list("pk", flat=True))
        missing = [
            permission for permission in permissions if permission.pk not in held
        ]
        group.permissions.add(*missing)
        if created:
            done.append(
                f'Created group "{name}" with {len(permissions)} '
                f"permission{'s' if len(permissions) != 1 else ''}."
            )
        elif missing:
            names = ", ".join(
                f"{p.content_type.app_label}.{p.codename}" for p in missing
            )
            done.append(f'Gave group "{name}" the missing permissions: {names}.')
    return done
