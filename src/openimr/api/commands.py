"""CLI: `openimr serve` runs the HTTP API with uvicorn."""

from __future__ import annotations

import argparse
import os
import secrets

import uvicorn

from openimr.api.app import create_app

SERVE_HELP = """\
API keys (required), first found wins:
  OPENIMR_API_KEYS_FILE=keys.yaml   a YAML/JSON file:
      keys:
        - {name: front desk, role: intake, key_sha256: <sha256 of the key>}
        - {name: Dr. A, role: reviewer, reviewer: R-0001, key_sha256: <...>}
        - {name: ops, role: admin, key: <clear text, development only>}
  OPENIMR_API_KEYS="admin=KEY1,intake=KEY2,reviewer:R-0001=KEY3"
Clients send the key in the X-API-Key header. OpenAPI: /openapi.json (needs a key too).
"""


def _serve(args: argparse.Namespace) -> int:

    app = create_app(args.db, max_body_bytes=args.max_body)  # fails fast on bad keys or --db
    if args.workers <= 1:
        uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
        return 0
    app.state.store.close()
    # several processes: each builds its app from the environment (the GIL stays per process)
    if args.db:
        os.environ["OPENIMR_DB"] = args.db
    os.environ["OPENIMR_MAX_BODY"] = str(args.max_body)
    # one workbench session secret for every process, so a session cookie works in each
    os.environ.setdefault("OPENIMR_SESSION_SECRET", secrets.token_hex(32))
    uvicorn.run(
        "openimr.api.app:create_app_from_env",
        factory=True,
        workers=args.workers,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "serve",
        help="run the HTTP API (FastAPI + uvicorn)",
        epilog=SERVE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--db", help="store URL or SQLite file (default: $OPENIMR_DB, else the user data dir)"
    )
    p.add_argument(
        "--max-body",
        type=int,
        default=2 * 1024 * 1024,
        help="largest accepted request body in bytes (default 2 MiB)",
    )
    p.add_argument(
        "--workers", type=int, default=1, help="server processes (default 1; more suits PostgreSQL)"
    )
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info"])
    p.set_defaults(handler=_serve)
