"""``xinfang``: run, migrate and get tokens for the system.

    xinfang run                       the four services as four processes (embedded default)
    xinfang serve intake              one service (what a container runs)
    xinfang migrate intake            apply that service's database migrations
    xinfang token --sub NAME --roles clerk,supervisor --unit 370703:petition_bureau
    xinfang keys new --kid k2 | rewrap [--kid k2] | expire     personal-data keys (P1, P4)
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Sequence

from shared.settings import SERVICES, Settings


def _create_app(service: str, settings: Settings):  # type: ignore[no-untyped-def]
    module = importlib.import_module(f"services.{service}.app")
    return module.create_app(settings)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = Settings()
    app = _create_app(args.service, settings)
    uvicorn.run(app, host=settings.host, port=settings.port(args.service), log_config=None, access_log=False)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from shared.runtime import Runtime
    from shared.store.migrate import service_history

    settings = Settings()
    targets = SERVICES if args.service == "all" else (args.service,)

    async def run() -> None:
        for service in targets:
            module = importlib.import_module(f"services.{service}")
            package_dir = Path(module.__file__ or "").parent
            runtime = Runtime(service, settings, [service_history(package_dir)])
            try:
                await runtime.migrate()
            finally:
                await runtime.db.dispose()
                if runtime.bus_db is not None:
                    await runtime.bus_db.dispose()
            print(f"{service}: migrated {settings.database_url(service).split('@')[-1]}")

    asyncio.run(run())
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from shared.web.auth import mint_token

    settings = Settings()
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    try:
        token = mint_token(settings, args.sub, roles, args.unit, name=args.name, ttl=timedelta(hours=args.hours))
    except ValueError as exc:
        print(f"xinfang token: {exc}", file=sys.stderr)
        return 2
    print(token)
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    """Personal-data keys (P1, P4): make a key entry, re-wrap data keys after rotation, shred expired."""
    from shared.privacy.keys import generate_key_entry

    if args.action == "new":
        print(generate_key_entry(args.kid))
        return 0

    from shared.privacy.vault import Vault
    from shared.store.db import Database

    settings = Settings()

    async def run() -> str:
        # personal data is sealed by intake, so its data keys live in intake's database
        db = Database(settings.database_url("intake"))
        try:
            vault = Vault.from_settings(db, settings)
            if args.action == "rewrap":
                n = await vault.rewrap_all(args.kid)
                return f"re-wrapped {n} data keys under {args.kid or vault.ring.active_kid}; usage: {await vault.key_usage()}"
            shredded = await vault.expire_due()
            return f"shredded {len(shredded)} petitioners past retention"
        finally:
            await db.dispose()

    print(asyncio.run(run()))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from shared.launcher import run_all

    return run_all(Settings())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="xinfang", description="Petition (信访) case handling backend")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="run the four services as four processes (embedded default)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("serve", help="run one service")
    p.add_argument("service", choices=SERVICES)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("migrate", help="apply database migrations")
    p.add_argument("service", choices=(*SERVICES, "all"))
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("token", help="print a bearer token the embedded system accepts")
    p.add_argument("--sub", required=True, help="user id")
    p.add_argument("--roles", required=True, help="comma-separated: clerk,handler,unit_head,supervisor,...")
    p.add_argument("--unit", required=True, help="the user's unit id, e.g. 370703:petition_bureau")
    p.add_argument("--name", default=None, help="display name")
    p.add_argument("--hours", type=float, default=12.0, help="validity in hours (default 12)")
    p.set_defaults(func=cmd_token)

    p = sub.add_parser("keys", help="personal-data keys: new entry, rewrap after rotation, shred expired")
    p.add_argument("action", choices=("new", "rewrap", "expire"))
    p.add_argument("--kid", default=None, help="key id: for `new` the id of the entry, for `rewrap` the target key")
    p.set_defaults(func=cmd_keys)

    args = parser.parse_args(argv)
    if args.command == "keys" and args.action == "new" and not args.kid:
        parser.error("keys new needs --kid")
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
