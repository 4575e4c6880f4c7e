"""`callingtime staff ...`: give people a role in an organisation from the server's shell."""

from __future__ import annotations

import json
import os

import click

from callingtime import env
from callingtime.cli.web import embedded_secret_key

ROLE_HELP = (
    "admin: everything, including staff and the site-wide switches; organiser: run campaigns "
    "and see supporters; data_entry: key paper signatures, counts only; analyst: counts and "
    "reports, no personal data."
)


def _django_setup() -> None:
    embedded_secret_key(create=not env.env_str("DATABASE_URL"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


@click.group()
def staff() -> None:
    """Manage the staff of organisations (accounts, roles)."""


@staff.command("add")
@click.argument("username")
@click.option("--organisation", "organisation_slug", required=True, help="The organisation's slug.")
@click.option("--role", required=True, help=f"The role. {ROLE_HELP}")
@click.option("--email", default="", help="The person's e-mail address.")
@click.option(
    "--set-password",
    is_flag=True,
    help="Ask for a new password for an existing account (a new account is always asked).",
)
def staff_add(
    username: str, organisation_slug: str, role: str, email: str, set_password: bool
) -> None:
    """Give USERNAME a role in an organisation, creating the staff account if needed.

    The password is asked for at the prompt, never taken as an option, so it stays out of
    the shell history and the process list.
    """
    _django_setup()
    from django.core.exceptions import ValidationError

    from callingtime.campaigns.selectors import account_exists
    from callingtime.campaigns.services import organisation_by_slug, role_check, staff_member_add

    try:
        role_check(role=role)
        organisation = organisation_by_slug(slug=organisation_slug)
        password = None
        if set_password or not account_exists(username=username):
            password = click.prompt(
                f"Password for {username}", hide_input=True, confirmation_prompt=True
            )
        membership = staff_member_add(
            username=username,
            organisation=organisation,
            role=role,
            password=password,
            email=email,
        )
    except ValidationError as error:
        raise click.ClickException(" ".join(error.messages)) from error
    click.echo(
        f"{membership.user.get_username()} is now {membership.get_role_display()} of "
        f"{organisation.name}. Sign in at /staff/login/."
    )


@staff.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def staff_list(as_json: bool) -> None:
    """List every organisation's staff and their roles."""
    _django_setup()
    from callingtime.campaigns.models import Membership

    rows = [
        {"username": m.user.get_username(), "organisation": m.organisation.slug, "role": m.role}
        for m in Membership.objects.select_related("user", "organisation").order_by(
            "organisation__slug", "user__username"
        )
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No staff yet: add someone with `callingtime staff add`.")
    for row in rows:
        click.echo(f"{row['organisation']:<36} {row['username']:<24} {row['role']}")


COMMANDS = (staff,)
