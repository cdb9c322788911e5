from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from programmes.models import VIEW_RESTRICTED_PERMISSION

pytestmark = pytest.mark.django_db


def setup_roles():
    out = StringIO()
    call_command("setup_roles", stdout=out)
    return out.getvalue()


def permission_names(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_setup_roles_creates_members_who_may_see_restricted_records(django_user_model):
    output = setup_roles()

    user = django_user_model.objects.create_user("officer")
    user.groups.add(Group.objects.get(name="Members"))
    assert permission_names("Members") == {VIEW_RESTRICTED_PERMISSION}
    assert user.has_perm(VIEW_RESTRICTED_PERMISSION)
    assert 'Created group "Members" with 1 permission.' in output


def test_setup_roles_creates_editors_who_edit_the_catalogue_but_delete_only_coverage():
    output = setup_roles()

    editors = permission_names("Editors")
    for model in ["riskarea", "threat", "cepcomponent"]:
        assert {f"risk_areas.{a}_{model}" for a in ["add", "change", "view"]} <= editors
    for model in ["partner", "programme", "tool", "programmecoverage", "toolcoverage"]:
        assert {f"programmes.{a}_{model}" for a in ["add", "change", "view"]} <= editors
    deletes = {name for name in editors if ".delete_" in name}
    assert deletes == {
        "programmes.delete_programmecoverage",
        "programmes.delete_toolcoverage",
    }
    assert VIEW_RESTRICTED_PERMISSION not in editors
    assert 'Created group "Editors" with 26 permissions.' in output


def test_setup_roles_second_run_changes_nothing_and_says_so():
    setup_roles()
    before = {name: permission_names(name) for name in ["Members", "Editors"]}

    output = setup_roles()

    assert Group.objects.count() == 2
    assert {name: permission_names(name) for name in ["Members", "Editors"]} == before
    assert output.strip() == "Roles already in place: Members, Editors."


def test_setup_roles_restores_a_removed_permission_and_keeps_added_ones():
    setup_roles()
    members = Group.objects.get(name="Members")
    members.permissions.clear()
    extra = Permission.objects.get(codename="view_slughistory")
    members.permissions.add(extra)

    output = setup_roles()

    assert permission_names("Members") == {
        VIEW_RESTRICTED_PERMISSION,
        "risk_areas.view_slughistory",
    }
    assert (
        'Gave group "Members" the missing permissions: programmes.view_restricted.'
        in (output)
    )
