"""``saferplan accounts``: set up a real partnership's organisations and users."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from saferplan.cli.output import console, friendly_errors

app = typer.Typer(help="Partnership, organisations and users (roles).", no_args_is_help=True)
ROLE_HELP = "admin, analyst, action_lead, board or youth_justice; repeat for several."


def _setup() -> None:
    from saferplan.site.bootstrap import setup_django

    setup_django()


@app.command()
def partnership(
    name: Annotated[str, typer.Argument(help="e.g. 'Safer Harrow'.")],
    area: Annotated[
        list[str] | None,
        typer.Option(help="Borough or local authority it covers; repeat for a joint one."),
    ] = None,
    comparators: Annotated[
        str | None, typer.Option(help='Default comparators, e.g. "Barnet,Brent,London".')
    ] = None,
    youth_justice_area: Annotated[
        str | None, typer.Option(help="Its youth justice service's area (default: its area).")
    ] = None,
    youth_population_set: Annotated[
        str | None, typer.Option(help="Population set for youth justice rates (default: newest).")
    ] = None,
) -> None:
    """Create a partnership, or update its settings (re-run to change them)."""
    with friendly_errors():
        _setup()
        from saferplan.accounts.management import known_names, set_partnership
        from saferplan.accounts.models import Partnership

        existing = Partnership.objects.filter(name__iexact=name.strip()).first()
        names = [c.strip() for c in comparators.split(",") if c.strip()] if comparators else None
        checking = area or names or youth_justice_area
        found, created = set_partnership(
            name,
            areas=area or None,
            comparators=names,
            youth_justice_area=youth_justice_area,
            youth_population_set=youth_population_set,
            known=known_names(partnership=existing) if checking else None,
        )
    console.print(
        f"[green]{'Created' if created else 'Updated'}[/] {escape(found.name)}: "
        f"areas {', '.join(found.areas) or 'none'}; comparators "
        f"{', '.join(found.comparators) or 'none'}; youth justice area "
        f"{found.youth_justice_area or 'none'}",
        highlight=False,
    )


@app.command()
def organisation(
    name: Annotated[str, typer.Argument(help="e.g. 'Metropolitan Police Service'.")],
    kind: Annotated[str, typer.Option(help="council, police, probation, health, ...")],
    aliases: Annotated[str, typer.Option(help="Words naming it in imported plans.")] = "",
    partnership: Annotated[str | None, typer.Option(help="If there is more than one.")] = None,
) -> None:
    """Add a partner organisation."""
    with friendly_errors():
        _setup()
        from saferplan.accounts.management import add_organisation

        _, created = add_organisation(name, kind, partnership, aliases)
    console.print(f"[green]Added[/] {name}" if created else f"{name} already exists")


@app.command()
def user(
    username: Annotated[str, typer.Argument()],
    organisation: Annotated[str, typer.Option(help="The user's organisation.")],
    role: Annotated[list[str], typer.Option(help=ROLE_HELP)],
    name: Annotated[str, typer.Option(help="Full name.")] = "",
    email: Annotated[str, typer.Option()] = "",
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from standard input (for scripts).")
    ] = False,
    partnership: Annotated[str | None, typer.Option(help="If there is more than one.")] = None,
) -> None:
    """Add a user to an organisation with roles; the password is asked for, never echoed.

    A user who already works in another partnership joins this one (no password asked).
    """
    _setup()
    from django.contrib.auth import get_user_model

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif not get_user_model().objects.filter(username=username).exists():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with friendly_errors():
        from saferplan.accounts.members import add_user

        user = add_user(username, organisation, role, password, name, email, partnership)
    console.print(f"[green]Added[/] {escape(username)} ({escape(organisation)}: {', '.join(role)})")
    if retired := getattr(user, "retired_demo_accounts", []):
        console.print(
            f"[yellow]Deactivated the demo accounts[/] ({', '.join(retired)}): real users "
            "exist now, and the demo password is public.",
            highlight=False,
        )


@app.command()
def unlock(username: Annotated[str, typer.Argument()]) -> None:
    """Lift a sign-in lock-out (too many wrong passwords) for a user name, at every address."""
    with friendly_errors():
        _setup()
        from saferplan.accounts.lockout import unlock as lift

        lifted = lift(username)
    console.print(f"{escape(username)}: {lifted} lock{'s' if lifted != 1 else ''} lifted")


@app.command()
def roles(
    username: Annotated[str, typer.Argument()],
    role: Annotated[list[str], typer.Option(help=ROLE_HELP)],
    partnership: Annotated[str | None, typer.Option(help="If they are in several.")] = None,
) -> None:
    """Replace a user's roles in a partnership."""
    with friendly_errors():
        _setup()
        from saferplan.accounts.members import set_roles

        now = set_roles(username, role, partnership)
    console.print(f"{username}: {', '.join(now)}")


@app.command()
def deactivate(username: Annotated[str, typer.Argument()]) -> None:
    """Stop a user signing in (kept, so the audit trail still names them)."""
    with friendly_errors():
        _setup()
        from saferplan.accounts.members import set_active

        set_active(username, False)
    console.print(f"{username} can no longer sign in")


@app.command("list")
def list_command(
    partnership: Annotated[str | None, typer.Option(help="Only this partnership's.")] = None,
) -> None:
    """Every user with their partnership, organisation and roles."""
    from rich.table import Table

    with friendly_errors():
        _setup()
        from saferplan.accounts.members import list_members

        rows = list_members(partnership)
    grid = Table(title="Users")
    for column in ("Partnership", "Username", "Name", "Organisation", "Roles", "Active"):
        grid.add_column(column)
    for r in rows:
        grid.add_row(
            *(
                escape(v)
                for v in (r.partnership, r.username, r.name, r.organisation, r.role_labels)
            ),
            "yes" if r.active else "no",
        )
    console.print(grid)


def _definitions(kind: str, partnership: str | None, set_file: Path | None, show: bool,
                 defaults: bool, note: str) -> None:  # fmt: skip
    """Show, replace or restore a partnership's themes or comparator groups (``kind``)."""
    with friendly_errors():
        _setup()
        from saferplan.accounts.tenancy import find_partnership
        from saferplan.core.errors import InputError
        from saferplan.definitions import service

        found = find_partnership(partnership)
        label = service.Kind(kind).label.lower()
        if set_file is not None:
            try:
                text = set_file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(str(set_file), f"cannot be read ({exc})") from exc
            version = service.save(found, kind, text, note=note or f"from {set_file.name}")
            console.print(f"[green]Saved[/] {found.name}'s {label} ({version.sha256[:12]})")
        elif defaults:
            service.restore_defaults(found, kind)
            console.print(f"[green]Restored[/] the shipped {label} for {found.name}")
        if show or (set_file is None and not defaults):
            sys.stdout.write(service.text_in_force(found, kind))
            return
    for version in service.history(found, kind)[:1]:
        console.print(f"In force since {version.created:%Y-%m-%d %H:%M} ({escape(version.actor)})")


SetFile = Annotated[Path | None, typer.Option("--set", help="A TOML file to check and save.")]
Show = Annotated[bool, typer.Option("--show", help="Print the TOML in force (the default).")]
Defaults = Annotated[bool, typer.Option("--restore-defaults", help="Use the shipped file again.")]
Note = Annotated[str, typer.Option(help="Why it changed, for the history.")]
Whose = Annotated[str | None, typer.Option(help="If there is more than one.")]


@app.command()
def themes(partnership: Whose = None, set: SetFile = None, show: Show = False,
           restore_defaults: Defaults = False, note: Note = "") -> None:  # fmt: skip
    """A partnership's themes: print them, or save a file's (checked as the shipped file)."""
    _definitions("themes", partnership, set, show, restore_defaults, note)


@app.command()
def comparators(partnership: Whose = None, set: SetFile = None, show: Show = False,
                restore_defaults: Defaults = False, note: Note = "") -> None:  # fmt: skip
    """A partnership's comparator groups: print them, or save a file's (members checked)."""
    _definitions("comparators", partnership, set, show, restore_defaults, note)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="accounts")
