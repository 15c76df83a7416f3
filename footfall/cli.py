"""The `footfall` command: serve, site, user, token, db (and more, added by their areas).

Every subcommand reads the same global options, opens the configured
database and reports a mistake as one sentence on stderr with exit code 1.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from footfall import __version__, sites
from footfall.admin import dimensions, goals
from footfall.auth import users
from footfall.config import Settings, load_settings
from footfall.db import migrate
from footfall.db.engine import Database, open_database
from footfall.errors import FootfallError

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    """What the global options resolve to, opened lazily."""

    def __init__(self, data_dir: str | None, config: str | None, db_url: str | None) -> None:
        self.data_dir, self.config, self.db_url = data_dir, config, db_url
        self._settings: Settings | None = None
        self._db: Database | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            env = dict(os.environ)
            if self.db_url:
                env["FOOTFALL_DATABASE_URL"] = self.db_url
            self._settings = load_settings(data_dir=self.data_dir, config_file=self.config,
                                           environ=env)
        return self._settings

    def database(self, *, upgrade: bool = True) -> Database:
        """The database, migrated to the current schema unless told otherwise."""
        if self._db is None:
            self._db = open_database(self.settings)
            if upgrade:
                migrate.upgrade(self._db.writer)
        return self._db


def friendly_errors(function: F) -> F:
    """Turn Footfall's errors into a sentence on stderr and exit status 1."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except FootfallError as error:
            raise click.ClickException(str(error)) from None

    return wrapper  # type: ignore[return-value]


pass_context = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="footfall")
@click.option("--data-dir", envvar="FOOTFALL_DATA_DIR", metavar="DIR",
              help="Where Footfall keeps its SQLite database and config.ini "
                   "[default: ./footfall-data].")
@click.option("--config", "config", metavar="FILE", envvar="FOOTFALL_CONFIG",
              help="A config.ini to read instead of DIR/config.ini.")
@click.option("--db", "db_url", envvar="FOOTFALL_DATABASE_URL", metavar="URL",
              help="Database URL, e.g. postgresql+psycopg://user@host/footfall or "
                   "mysql+pymysql://user:pass@host/footfall [default: SQLite in DIR].")
@click.option("-v", "--verbose", is_flag=True, help="Log debugging details.")
@click.pass_context
def cli(ctx: click.Context, data_dir: str | None, config: str | None, db_url: str | None,
        verbose: bool) -> None:
    """Footfall: self-hosted web analytics that speaks Matomo's protocols."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    ctx.obj = Context(data_dir, config, db_url)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes.")
@click.option("--demo", is_flag=True,
              help="On first start (no site yet), fill the database with 30 days of demo "
                   "traffic whose reports anyone may view.")
@click.option("--demo-visits-per-day", default=60, hidden=True, type=click.IntRange(1),
              help="Size of the --demo data (tests use a small one).")
@pass_context
@friendly_errors
def serve(obj: Context, host: str, port: int, workers: int, demo: bool,
          demo_visits_per_day: int) -> None:
    """Run the whole server: tracker, Reporting API, UI and JavaScript tracker."""
    import uvicorn

    settings = obj.settings
    before, after = migrate.upgrade(obj.database().writer)
    if before != after:
        click.echo(f"Database schema upgraded to revision {after}.", err=True)
    if demo and not sites.list_sites(obj.database().writer):
        _run_demo(obj, days=30, visits_per_day=demo_visits_per_day, seed=1, public=True)
    _export_settings_env(obj, settings)
    click.echo(f"Footfall {__version__} listening on http://{host}:{port}/ "
               f"(data in {settings.data_dir})", err=True)
    # The tracker's pipeline runs beside the HTTP workers, in a process of its own.
    from footfall.tracker import consumer as tracker_consumer

    os.environ[tracker_consumer.PROCESS_ENV] = "1"
    pipeline = tracker_consumer.spawn()
    try:
        uvicorn.run("footfall.app:app_from_env", factory=True, host=host, port=port,
                    workers=workers, log_level="warning", access_log=False,
                    loop="uvloop", http="httptools", server_header=False,
                    # Client IPs come from [General] proxy_client_headers only, as in Matomo.
                    proxy_headers=False)
    finally:
        tracker_consumer.stop(pipeline)


def _export_settings_env(obj: Context, settings: Settings) -> None:
    """Worker processes rebuild their settings from the same sources."""
    os.environ["FOOTFALL_DATA_DIR"] = str(settings.data_dir)
    os.environ["FOOTFALL_DATABASE_URL"] = settings.database_url
    if obj.config:
        os.environ["FOOTFALL_CONFIG"] = str(Path(obj.config).resolve())


@cli.group()
def site() -> None:
    """Add and list tracked websites."""


@site.command("add")
@click.option("--name", required=True, help="The site's name in reports.")
@click.option("--url", "urls", required=True, multiple=True,
              help="The site's URL; repeat for alias URLs (the first is the main URL).")
@click.option("--timezone", default="UTC", show_default=True,
              help="Reports' days start at midnight here, e.g. Europe/Paris.")
@click.option("--currency", default="USD", show_default=True, help="ISO 4217 code for revenue.")
@click.option("--ecommerce", is_flag=True, help="Enable e-commerce reports for this site.")
@pass_context
@friendly_errors
def site_add(obj: Context, name: str, urls: tuple[str, ...], timezone: str, currency: str,
             ecommerce: bool) -> None:
    """Add a site and print its idsite."""
    idsite = sites.add_site(obj.database().writer, name=name, urls=list(urls),
                            timezone=timezone, currency=currency, ecommerce=ecommerce)
    click.echo(idsite)


@site.command("list")
@pass_context
@friendly_errors
def site_list(obj: Context) -> None:
    """List sites: idsite, name, URLs, timezone, currency."""
    for s in sites.list_sites(obj.database().writer):
        flags = " ecommerce" if s.ecommerce else ""
        click.echo(f"{s.idsite}\t{s.name}\t{' '.join(s.urls)}\t{s.timezone}\t{s.currency}{flags}")


@cli.group()
def user() -> None:
    """Add and list users."""


@user.command("add")
@click.argument("login")
@click.option("--email", required=True, help="The user's email address.")
@click.option("--superuser", is_flag=True, help="Give access to everything.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (else the user can only use tokens).")
@pass_context
@friendly_errors
def user_add(obj: Context, login: str, email: str, superuser: bool, password_stdin: bool) -> None:
    """Add a user LOGIN."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    if password_stdin and not password:
        raise click.ClickException("no password on standard input")
    users.add_user(obj.database().writer, login, email=email, password=password,
                   superuser=superuser)
    click.echo(f"User {login} added{' (superuser)' if superuser else ''}.", err=True)


@user.command("list")
@pass_context
@friendly_errors
def user_list(obj: Context) -> None:
    """List users: login, email, superuser."""
    for u in users.list_users(obj.database().writer):
        click.echo(f"{u.login}\t{u.email}\t{'superuser' if u.superuser else ''}".rstrip())


@user.command("access")
@click.argument("login")
@click.argument("idsite", type=int)
@click.argument("level", type=click.Choice([*users.ACCESS_LEVELS, "none"]))
@pass_context
@friendly_errors
def user_access(obj: Context, login: str, idsite: int, level: str) -> None:
    """Give LOGIN view, write or admin access to site IDSITE (or none)."""
    if login != users.ANONYMOUS:
        users.get_user(obj.database().writer, login)
    sites.get_site(obj.database().writer, idsite)
    users.set_access(obj.database().writer, login, idsite, None if level == "none" else level)


@cli.group()
def token() -> None:
    """Create, list and revoke API tokens (token_auth)."""


@token.command("create")
@click.argument("login")
@click.option("--description", default="", help="What the token is for.")
@pass_context
@friendly_errors
def token_create(obj: Context, login: str, description: str) -> None:
    """Create a token for LOGIN and print it (it is shown only this once)."""
    click.echo(users.create_token(obj.database().writer, login, description=description))


@token.command("list")
@click.argument("login")
@pass_context
@friendly_errors
def token_list(obj: Context, login: str) -> None:
    """List LOGIN's tokens: id, created, last used, description (never the token)."""
    for t in users.list_tokens(obj.database().writer, login):
        click.echo(f"{t['idusertokenauth']}\t{t['date_created']}\t"
                   f"{t['date_last_used'] or 'never used'}\t{t['description']}")


@token.command("revoke")
@click.argument("login")
@click.argument("token_id", type=int)
@pass_context
@friendly_errors
def token_revoke(obj: Context, login: str, token_id: int) -> None:
    """Revoke LOGIN's token TOKEN_ID (see `token list`)."""
    users.revoke_token(obj.database().writer, login, token_id)
    click.echo(f"Token {token_id} of {login} revoked.", err=True)


@cli.group()
def db() -> None:
    """Database schema management."""


@db.command("upgrade")
@pass_context
@friendly_errors
def db_upgrade(obj: Context) -> None:
    """Create or upgrade the database schema to the current version."""
    before, after = migrate.upgrade(obj.database(upgrade=False).writer)
    if before == after:
        click.echo(f"Database schema already at revision {after}.")
    else:
        click.echo(f"Database schema upgraded from {before or 'empty'} to {after}.")


@cli.group()
def goal() -> None:
    """Add and list a site's goals (conversions to count)."""


@goal.command("add")
@click.argument("idsite", type=int)
@click.option("--name", required=True, help="The goal's name in reports.")
@click.option("--match", "match_attribute", required=True,
              type=click.Choice(goals.MATCH_ATTRIBUTES), help="What the pattern is matched against.")
@click.option("--pattern", default="", help="Text, URL or regular expression to match.")
@click.option("--pattern-type", default="contains", show_default=True,
              type=click.Choice([*goals.PATTERN_TYPES, "greater_than"]))
@click.option("--case-sensitive", is_flag=True, help="Match the pattern's case exactly.")
@click.option("--allow-multiple", is_flag=True, help="Count every conversion in a visit.")
@click.option("--revenue", default=0.0, type=float, help="Default revenue of a conversion.")
@click.option("--description", default="", help="A note shown with the goal.")
@pass_context
@friendly_errors
def goal_add(obj: Context, idsite: int, name: str, match_attribute: str, pattern: str,
             pattern_type: str, case_sensitive: bool, allow_multiple: bool, revenue: float,
             description: str) -> None:
    """Add a goal to site IDSITE and print its idgoal."""
    sites.get_site(obj.database().writer, idsite)
    spec = goals.GoalSpec(name=name, match_attribute=match_attribute, pattern=pattern,
                          pattern_type=pattern_type, case_sensitive=case_sensitive,
                          allow_multiple=allow_multiple, revenue=revenue, description=description)
    click.echo(goals.add_goal(obj.database().writer, idsite, spec))


@goal.command("list")
@click.argument("idsite", type=int)
@pass_context
@friendly_errors
def goal_list(obj: Context, idsite: int) -> None:
    """List site IDSITE's goals: idgoal, name, match, pattern type, pattern, revenue."""
    sites.get_site(obj.database().writer, idsite)
    for g in goals.list_goals(obj.database().writer, idsite):
        click.echo(f"{g.idgoal}\t{g.name}\t{g.match_attribute}\t{g.pattern_type}\t{g.pattern}"
                   f"\t{g.revenue:g}")


@cli.group()
def dimension() -> None:
    """Add and list a site's custom dimensions."""


@dimension.command("add")
@click.argument("idsite", type=int)
@click.option("--name", required=True, help="The dimension's name in reports.")
@click.option("--scope", required=True, type=click.Choice(dimensions.SCOPES),
              help="visit: one value per visit; action: one value per action.")
@click.option("--inactive", is_flag=True, help="Configure it without recording values yet.")
@pass_context
@friendly_errors
def dimension_add(obj: Context, idsite: int, name: str, scope: str, inactive: bool) -> None:
    """Add a custom dimension to site IDSITE and print its id (send it as dimension<ID>)."""
    sites.get_site(obj.database().writer, idsite)
    click.echo(dimensions.add_dimension(obj.database().writer, idsite, name=name, scope=scope,
                                        active=not inactive))


@dimension.command("list")
@click.argument("idsite", type=int)
@pass_context
@friendly_errors
def dimension_list(obj: Context, idsite: int) -> None:
    """List site IDSITE's custom dimensions: id, scope, column index, name, state."""
    sites.get_site(obj.database().writer, idsite)
    for d in dimensions.list_dimensions(obj.database().writer, idsite):
        state = "active" if d.active else "inactive"
        click.echo(f"{d.idcustomdimension}\t{d.scope}\t{d.index}\t{d.name}\t{state}")


@cli.command()
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3660),
              help="Days of traffic, ending with --end-date.")
@click.option("--visits-per-day", default=2000, show_default=True, type=click.IntRange(1),
              help="Average visits per day (weekdays get more than weekends).")
@click.option("--seed", default=1, show_default=True, type=int,
              help="Same seed, same traffic.")
@click.option("--site", "idsite", type=int, help="Send to this site instead of creating one.")
@click.option("--url", help="Send over HTTP to a running Footfall at this base URL "
                            "(default: in this process, into the configured database).")
@click.option("--token-auth", help="Superuser token for --url servers on another database.")
@click.option("--end-date", type=click.DateTime(["%Y-%m-%d"]),
              help="Last day of traffic, in the site's timezone [default: yesterday].")
@click.option("--public", is_flag=True, help="Let anonymous users view the site's reports.")
@pass_context
@friendly_errors
def demo(obj: Context, days: int, visits_per_day: int, seed: int, idsite: int | None,
         url: str | None, token_auth: str | None, end_date: Any, public: bool) -> None:
    """Generate realistic demo traffic through the tracking API."""
    _run_demo(obj, days=days, visits_per_day=visits_per_day, seed=seed, idsite=idsite, url=url,
              token_auth=token_auth, end_date=end_date.date() if end_date else None,
              public=public)


def _run_demo(obj: Context, **options: Any) -> None:
    from footfall.demo.runner import DemoOptions, print_summary, run_demo

    result = run_demo(obj.settings, obj.database(), DemoOptions(**options))
    print_summary(result, sys.stderr)


@cli.command("archive")
@click.option("--site", "idsites", type=int, multiple=True,
              help="Archive this idsite only; repeat for several [default: all sites].")
@click.option("--period", "kinds", default="day,week,month,year", show_default=True,
              help="Comma list of periods: day, week, month, year, range.")
@click.option("--date", "date_text", metavar="DATES",
              help="Dates as the API takes them: YYYY-MM-DD, YYYY-MM-DD,YYYY-MM-DD, lastN, "
                   "today... [default: yesterday and today, in each site's time zone].")
@click.option("--force", is_flag=True, help="Rebuild archives even when they are fresh.")
@click.option("--no-progress", is_flag=True, help="No progress bar (e.g. under cron).")
@pass_context
@friendly_errors
def archive(obj: Context, idsites: tuple[int, ...], kinds: str, date_text: str | None,
            force: bool, no_progress: bool) -> None:
    """Build report archives ahead of time (what Matomo's core:archive does)."""
    from tqdm import tqdm

    from footfall.archive import runner
    from footfall.archive.archiver import Archiver
    from footfall.archive.periods import check_period_kind

    database = obj.database()
    chosen = [sites.get_site(database.writer, i) for i in idsites] if idsites \
        else sites.list_sites(database.writer)
    period_kinds = [check_period_kind(k.strip()) for k in kinds.split(",") if k.strip()]
    jobs = runner.plan(chosen, kinds=period_kinds, date_text=date_text)
    with tqdm(total=len(jobs), unit="archive", disable=no_progress, file=sys.stderr) as bar:
        report = runner.run(Archiver(database, obj.settings), jobs, force=force,
                            progress=lambda job: bar.update(1))
    click.echo(f"Archiving done: {report.summary()}.", err=True)


def main() -> None:
    cli(prog_name="footfall")
