"""``rencontre``: run the server and operate an event from the shell."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web

from rencontre.engine.messages import Actor, Role
from rencontre.schedule.demo import SLUG as DEMO_SLUG
from rencontre.schedule.demo import ZONE, demo_programme
from rencontre.server.app import AccessLogger, create_app
from rencontre.server.backup_cli import backup_parser
from rencontre.server.cities_cli import load_demo_cities, signatory_link, signing_station
from rencontre.server.hub import Hub
from rencontre.server.log import Log, LogUnavailable, open_log
from rencontre.server.logs import LOG_FORMATS, setup_logging
from rencontre.server.qa_cli import export_qa_parser
from rencontre.server.record_cli import verify_record_parser
from rencontre.server.schedule_cli import import_parser
from rencontre.server.settings import SettingError, Settings, check_networks

SYSTEM = Actor("system", Role.ORGANISER, "Rencontre")


def serve_parser(sub: argparse._SubParsersAction, defaults: Settings) -> None:
    serve = sub.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default=defaults.host, help="address to bind (RENCONTRE_HOST)")
    serve.add_argument("--port", type=int, default=defaults.port, help="port (PORT)")
    serve.add_argument("--data", default=defaults.data,
                       help="directory of the SQLite log (RENCONTRE_DATA)")
    serve.add_argument("--redis", default=defaults.redis, metavar="URL",
                       help="use this Redis as the log, for several processes (REDIS_URL)")
    serve.add_argument("--demo", action="store_true", default=defaults.demo,
                       help="load the demo event when the log is empty (RENCONTRE_DEMO)")
    serve.add_argument("--reset-demo", action="store_true",
                       help="delete this event's log first and start the demo afresh "
                            "(a one-off action, so it has no environment variable)")
    serve.add_argument("--public-url", default=defaults.public_url,
                       help="URL printed in links (RENCONTRE_PUBLIC_URL)")
    serve.add_argument("--allowed-origin", action="append", dest="allowed_origins",
                       default=list(defaults.allowed_origins),
                       help="another origin allowed to open /ws (RENCONTRE_ALLOWED_ORIGINS)")
    serve.add_argument("--trusted-proxy", action="append", dest="trusted_proxies",
                       default=list(defaults.trusted_proxies), metavar="ADDRESS",
                       help="a reverse proxy (address or network) whose Forwarded / "
                            "X-Forwarded-Proto / X-Forwarded-For headers are believed "
                            "(RENCONTRE_TRUSTED_PROXIES)")
    serve.add_argument("--connections-per-address", type=int,
                       default=defaults.connections_per_address,
                       help="websockets open at once from one address "
                            "(RENCONTRE_CONNECTIONS_PER_ADDRESS)")
    serve.add_argument("--max-frame", type=int, default=defaults.max_frame,
                       help="largest accepted message in bytes (RENCONTRE_MAX_FRAME)")
    serve.add_argument("--send-limit", type=int, default=defaults.send_limit,
                       help="bytes queued for a client, its socket buffer included, before "
                            "it is dropped (RENCONTRE_SEND_LIMIT)")
    serve.add_argument("--log-format", choices=LOG_FORMATS, default=defaults.log_format,
                       help="text for people, json for one object per line "
                            "(RENCONTRE_LOG_FORMAT)")
    serve.add_argument("--metrics-token", default=defaults.metrics_token,
                       help="serve /metrics to requests with 'Authorization: Bearer TOKEN' "
                            "(RENCONTRE_METRICS_TOKEN)")
    serve.add_argument("--metrics-port", type=int, default=defaults.metrics_port,
                       help="serve /metrics on this port of --host instead, without a token "
                            "(RENCONTRE_METRICS_PORT)")
    serve.add_argument("--min-minutes", type=int, default=defaults.min_minutes,
                       help="minutes in a session for a certificate to list it "
                            "(RENCONTRE_MIN_MINUTES)")
    serve.add_argument("--presence-grace", type=float, default=defaults.presence_grace,
                       help="seconds a hidden or closed page still counts as following online "
                            "(RENCONTRE_PRESENCE_GRACE)")
    serve.add_argument("--certificate-secret", default=defaults.certificate_secret,
                       help="key that signs certificate codes; default: a file in the data "
                            "directory (RENCONTRE_CERTIFICATE_SECRET)")
    serve.set_defaults(run=serve_command)


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(host=args.host, port=args.port, data=args.data, redis=args.redis,
                    demo=args.demo or args.reset_demo, public_url=args.public_url,
                    allowed_origins=tuple(o.rstrip("/") for o in args.allowed_origins),
                    trusted_proxies=check_networks(tuple(args.trusted_proxies),
                                                   "--trusted-proxy"),
                    connections_per_address=args.connections_per_address,
                    max_frame=args.max_frame, send_limit=args.send_limit,
                    log_format=args.log_format, metrics_token=args.metrics_token,
                    metrics_port=args.metrics_port,
                    min_minutes=args.min_minutes, presence_grace=args.presence_grace,
                    certificate_secret=args.certificate_secret)


async def prepare_event(hub: Hub, settings: Settings) -> list[tuple[str, str]]:
    """Load the demo if asked and the log is empty; make this run's credentials."""
    if settings.demo and hub.state.programme.event is None:
        today = datetime.now(ZoneInfo(ZONE)).date()
        await hub.execute("schedule.load", {"programme": demo_programme(today)}, SYSTEM)
    base = settings.base_url
    links = []
    moderator = await hub.execute("access.grant", {"role": "moderator",
                                                   "name": "Moderator (console)"}, SYSTEM)
    organiser = await hub.execute("access.grant", {"role": "organiser",
                                                   "name": "Organiser (console)"}, SYSTEM)
    links.append(("Moderator panel", f"{base}/moderator/login  token: "
                                     f"{moderator['result']['token']}"))
    links.append(("Organiser", f"{base}/moderator/login  token: {organiser['result']['token']}"))
    programme = hub.state.programme
    if programme.event is not None:
        attendee = await hub.execute("access.grant", {"role": "attendee",
                                                      "name": "Demo attendee"}, SYSTEM)
        links.insert(0, ("Attendee page", f"{base}/a/{attendee['result']['token']}"))
        code = await hub.execute("kiosk.pairing-code", {"label": "Kiosk 1", "minutes": 60},
                                 SYSTEM)
        links.append(("Kiosk pairing", f"{base}/kiosk  code: {code['result']['code']}"))
        if settings.demo and not hub.state.attendance.registrations:
            await load_demo_cities(hub, SYSTEM)
        if settings.demo:
            signatory = await signatory_link(hub, SYSTEM, base)
            if signatory is not None:
                links.append(signatory)
        links.append(await signing_station(hub, SYSTEM, base))
        badges = list(hub.state.attendance.registrations.values())[:2]
        if badges:
            links.append(("Badges to scan", ", ".join(f"{r.badge} ({r.name})"
                                                      for r in badges)))
        for room in programme.ordered_rooms():
            links.append((f"Stage display ({room.id})", f"{base}/stage/{room.id}"))
    return links


def demo_notice(settings: Settings, hub: Hub, today: date) -> list[str]:
    """What an operator trying the demo must know: which day it runs and how to start over."""
    event = hub.state.programme.event
    if not settings.demo or event is None or event.slug != DEMO_SLUG:
        return []
    zone = f"{event.city or 'the venue'} time, {event.timezone}"
    where = (f"Redis at {settings.redis}" if settings.redis
             else f"{Path(settings.data).resolve()}")
    first = event.start_date.strftime("%A %d %B %Y")
    if event.start_date == today:
        when = f"The demo event runs today, {first}, for {event.days} days ({zone})."
    else:
        when = (f"The demo event in this log starts on {first} ({zone}); "
                f"today is {today:%A %d %B %Y} there.")
    return [when, f"Its log is kept in {where}. To start over with a fresh demo dated today: "
                  "rencontre serve --demo --reset-demo"
                  + ("" if settings.redis else f" (or stop the server and delete {where})") + "."]


async def reset_log(log: Log) -> None:
    """Delete the whole log before it is opened for serving."""
    await log.open()
    try:
        await log.destroy()
    finally:
        await log.close()


def serve_command(args: argparse.Namespace) -> int:
    try:
        settings = settings_from(args)
    except SettingError as error:
        print(f"rencontre: {error}", file=sys.stderr)
        return 2
    setup_logging(settings.log_format)
    hub = Hub(open_log(settings.data, settings.redis))
    app = create_app(settings, hub)

    async def announce(app: web.Application) -> None:
        links = await prepare_event(hub, settings)
        for line in demo_notice(settings, hub, datetime.now(ZoneInfo(ZONE)).date()):
            print(line, flush=True)
        for label, link in links:
            print(f"  {label:<28} {link}", flush=True)

    app.on_startup.append(announce)
    try:
        if args.reset_demo:
            asyncio.run(reset_log(open_log(settings.data, settings.redis)))
        web.run_app(app, host=settings.host, port=settings.port, access_log_class=AccessLogger,
                    backlog=4096,
                    print=lambda text: print(text, flush=True))
    except LogUnavailable as error:
        print(f"rencontre: {' '.join(str(error).split())}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rencontre", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    try:
        defaults = Settings.from_env()
    except SettingError as error:
        print(f"rencontre: {error}", file=sys.stderr)
        return 2
    serve_parser(sub, defaults)
    import_parser(sub, defaults)
    export_qa_parser(sub, defaults)
    verify_record_parser(sub, defaults)
    backup_parser(sub, defaults)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
