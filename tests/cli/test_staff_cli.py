"""`callingtime staff add` and `staff list`: roles from the shell, the password at a prompt."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model

from callingtime.campaigns.models import Membership
from callingtime.cli import main
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a long and uncommon passphrase 42"


def test_staff_add_prompts_for_a_password_and_creates_a_staff_account() -> None:
    office = OrganisationFactory(slug="islington-north")
    result = CliRunner().invoke(
        main,
        ["staff", "add", "casey", "--organisation", "islington-north", "--role", "organiser"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "casey is now Organiser of" in result.output
    assert PASSWORD not in result.output
    user = get_user_model().objects.get(username="casey")
    assert user.is_staff and user.check_password(PASSWORD)
    assert Membership.objects.get(user=user).organisation == office


def test_staff_add_gives_an_existing_account_a_role_without_asking_again() -> None:
    OrganisationFactory(slug="first")
    OrganisationFactory(slug="second")
    runner = CliRunner()
    runner.invoke(
        main,
        ["staff", "add", "casey", "--organisation", "first", "--role", "admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    result = runner.invoke(
        main, ["staff", "add", "casey", "--organisation", "second", "--role", "analyst"]
    )
    assert result.exit_code == 0, result.output
    assert "Password" not in result.output
    listed = runner.invoke(main, ["staff", "list", "--json"])
    rows = json.loads(listed.output)
    assert {(r["organisation"], r["role"]) for r in rows} == {
        ("first", "admin"),
        ("second", "analyst"),
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--organisation", "nowhere", "--role", "admin"], "no organisation with the slug"),
        (["--organisation", "office", "--role", "boss"], "There is no role 'boss'"),
    ],
)
def test_staff_add_explains_what_was_wrong(args: list[str], message: str) -> None:
    OrganisationFactory(slug="office")
    result = CliRunner().invoke(
        main, ["staff", "add", "casey", *args], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 1
    assert message in result.output
    assert not get_user_model().objects.exists()


def test_staff_add_refuses_a_weak_password() -> None:
    OrganisationFactory(slug="office")
    result = CliRunner().invoke(
        main,
        ["staff", "add", "casey", "--organisation", "office", "--role", "admin"],
        input="short\nshort\n",
    )
    assert result.exit_code == 1
    assert "too short" in result.output
    assert not get_user_model().objects.exists()
