"""``microcred``: issue, verify, revoke and print micro-credentials; run the local service."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from backend.cli import issue as issue_commands
from backend.cli import issuers as issuers_commands
from backend.cli import lifecycle as lifecycle_commands
from backend.cli import run as run_command
from backend.cli import verify as verify_command
from backend.errors import ChainUnavailable, MicrocredError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="microcred", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run_command.add_parser(commands)
    issue_commands.add_parsers(commands)
    verify_command.add_parser(commands)
    lifecycle_commands.add_parsers(commands)
    issuers_commands.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except MicrocredError as err:
        print(f"microcred: {err}", file=sys.stderr)
        return 2 if isinstance(err, ChainUnavailable) else 1
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
