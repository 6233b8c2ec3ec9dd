"""``python -m bench run|chart|table``: the benchmark harness of issue 5.

``run`` executes scenarios against Rencontre and the bare baseline, prints a table
per scenario with the ratio Rencontre / bare, and saves everything to a JSON file;
``chart`` draws that file as an SVG; ``table`` prints it as Markdown; ``profile``
summarises a py-spy profile recorded with ``run --profile DIR``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import LOAD_CPU, ROOT, pin_self, raise_fd_limit
from bench.drive import QUIET, wait_quiet
from bench.scenarios import SCENARIOS
from bench.scenarios.base import Options, Sample

RESULTS = ROOT / "bench" / "results"
FULL = {"clients": 10_000, "duration": 20.0, "log_events": 1_000_000}
QUICK = {"clients": 500, "duration": 3.0, "log_events": 50_000}


def options_from(args: argparse.Namespace, workdir: Path) -> Options:
    sizes = QUICK if args.quick else FULL
    return Options(
        clients=args.clients or sizes["clients"],
        duration=args.duration or sizes["duration"],
        rate=args.rate,
        log_events=args.log_events or sizes["log_events"],
        quick=args.quick,
        generators=args.generators,
        workdir=workdir,
        only=args.target,
        profile=Path(args.profile).resolve() if args.profile else None,
        attendees=args.attendees,
    )


async def run_all(keys: list[str], options: Options) -> list[dict[str, Any]]:
    from bench.report import not_yet_record, scenario_record, table

    records = []
    for key in keys:
        scenario = SCENARIOS[key]()
        if not scenario.ready:
            record = not_yet_record(scenario)
            print(table(record), flush=True)
            records.append(record)
            continue
        description = scenario.describe(options)
        print(f"\n… {scenario.number}. {description}", flush=True)
        started = time.monotonic()
        samples: dict[str, Sample] = {}
        await scenario.prepare(options)
        try:
            for target in scenario.targets(options):
                if options.only and target.name != options.only:
                    continue
                busy = await wait_quiet()
                note = [] if busy <= QUIET else [
                    f"{target.name}: the machine was {busy:.0%} busy before the run "
                    "(other processes): numbers disturbed"]
                try:
                    samples[target.name] = await scenario.measure(target, options)
                    samples[target.name].notes[:0] = note
                except Exception as error:  # noqa: BLE001 - report it, go on with the others
                    samples[target.name] = Sample(notes=[f"{target.name} failed: "
                                                         f"{type(error).__name__}: {error}"])
                    target.stop()
        finally:
            await scenario.cleanup()
        record = scenario_record(scenario, description, samples)
        record["seconds"] = time.monotonic() - started
        print(table(record), flush=True)
        records.append(record)
    return records


def run_command(args: argparse.Namespace) -> int:
    from bench.report import machine, save

    keys = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    pinned = pin_self(LOAD_CPU)
    raise_fd_limit()
    workdir = Path(tempfile.mkdtemp(prefix="rencontre-bench-"))
    options = options_from(args, workdir)
    if not pinned:
        print("warning: cannot pin to a CPU; server and generator share the cores")
    started = time.monotonic()
    try:
        records = asyncio.run(run_all(keys, options))
    finally:
        if args.keep:
            print(f"\nkept logs and data in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    options_json = {k: str(v) if isinstance(v, Path) else v
                    for k, v in vars(options).items() if k != "workdir"}
    results = {"when": time.strftime("%Y-%m-%d %H:%M:%S %z"), "machine": machine(),
               "options": options_json, "seconds": time.monotonic() - started,
               "scenarios": records}
    out = Path(args.out) if args.out else RESULTS / ("quick.json" if args.quick else "latest.json")
    if args.update and out.exists():
        results = merge(json.loads(out.read_text()), results)
    elif args.scenario != "all" and not args.out:
        out = out.with_name(f"{out.stem}-{args.scenario}.json")
    save(results, out)
    print(f"\nresults in {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} "
          f"({time.monotonic() - started:.0f} s)")
    return 0


def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``old`` with the scenarios that ``new`` ran replaced, each keeping its own date."""
    fresh = {record["key"]: {**record, "when": new["when"]} for record in new["scenarios"]}
    records = [fresh.pop(r["key"], r) for r in old["scenarios"]] + list(fresh.values())
    return {**old, "scenarios": sorted(records, key=lambda r: r["number"])}


def chart_command(args: argparse.Namespace) -> int:
    from bench.chart import write_chart

    out = write_chart(Path(args.results), Path(args.out), [Path(p) for p in args.extra])
    print(f"wrote {out}")
    return 0


def table_command(args: argparse.Namespace) -> int:
    from bench.report import markdown

    print(markdown(json.loads(Path(args.results).read_text())))
    return 0


def profile_command(args: argparse.Namespace) -> int:
    from bench.profile import summarise

    print(summarise(Path(args.file), args.top))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run scenarios against Rencontre and the bare baseline")
    run.add_argument("--scenario", default="all", choices=["all", *SCENARIOS])
    run.add_argument("--clients", type=int, help="attendees (default 10,000; quick 500)")
    run.add_argument("--duration", type=float, help="measured seconds (default 20; quick 3)")
    run.add_argument("--rate", type=float, default=5.0, help="moderator posts per second")
    run.add_argument("--log-events", type=int, help="restart log size (default 1,000,000)")
    run.add_argument("--generators", type=int, help="load-generator processes (default: one "
                                                    "per 10,000 clients)")
    run.add_argument("--quick", action="store_true", help="small sizes: a smoke test < 1 min")
    run.add_argument("--target", choices=["rencontre", "bare"], help="run one target only")
    run.add_argument("--profile", metavar="DIR", help="record a py-spy flame graph of each "
                                                     "server during the fan-out window")
    run.add_argument("--update", action="store_true", help="replace only the scenarios run "
                                                           "in an existing results file")
    run.add_argument("--keep", action="store_true", help="keep the temporary directory")
    run.add_argument("--attendees", choices=["shared", "distinct"], default="shared",
                     help="idle and fan-out: all clients as the demo attendee (default), or "
                          "one attendee each, so online presence is logged per attendee")
    run.add_argument("--out", help="results file (default bench/results/latest.json)")
    run.set_defaults(run=run_command)
    chart = sub.add_parser("chart", help="draw a results file as an SVG")
    chart.add_argument("--results", default=str(RESULTS / "latest.json"))
    chart.add_argument("--out", default=str(ROOT / "docs" / "benchmarks-latency.svg"))
    chart.add_argument("--extra", action="append", default=[], metavar="RESULTS",
                       help="another results file whose fan-out runs join the bars")
    chart.set_defaults(run=chart_command)
    show = sub.add_parser("table", help="print a results file as a Markdown table")
    show.add_argument("--results", default=str(RESULTS / "latest.json"))
    show.set_defaults(run=table_command)
    spy = sub.add_parser("profile", help="summarise a py-spy profile written by --profile")
    spy.add_argument("file")
    spy.add_argument("--top", type=int, default=25)
    spy.set_defaults(run=profile_command)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
