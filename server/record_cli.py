"""``rencontre verify-record FILE``: check a downloaded declaration record."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rencontre.cities.record import check_record
from rencontre.server.settings import Settings


def verify_record_parser(sub: argparse._SubParsersAction, defaults: Settings) -> None:
    command = sub.add_parser(
        "verify-record", help="check that a declaration record (JSON) was not altered",
        description="Recompute the digest chain of a declaration record downloaded from "
                    "/declaration/record.json. Exit status 0 when every link holds, 1 when not.")
    command.add_argument("file", type=Path, help="the record, as downloaded")
    command.add_argument("--head", metavar="DIGEST",
                         help="the digest the event published (stage, public page): the "
                              "record must end with it")
    command.set_defaults(run=verify_record_command)


def verify_record_command(args: argparse.Namespace) -> int:
    try:
        data = json.loads(args.file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"rencontre: cannot read {args.file}: {error}", file=sys.stderr)
        return 1
    problems = check_record(data, args.head)
    if problems:
        print(f"{args.file}: NOT VERIFIED", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    links = data["links"]
    signatures = sum(1 for link in links if link.get("kind") == "signature")
    print(f"{args.file}: verified, {len(links)} links ({signatures} signatures), "
          f"head {data['head']}")
    return 0
