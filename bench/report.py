"""Tables for the terminal and the docs, the results file, and the machine it ran on."""

from __future__ import annotations

import json
import os
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from bench.scenarios.base import Metric, Sample, Scenario


def ratio(ours: float | None, bare: float | None) -> float | None:
    """Rencontre / bare, or None when either is missing or the baseline is zero."""
    if ours is None or bare is None or bare == 0:
        return None
    return ours / bare


def fmt(value: float | None, digits: int) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def scenario_record(scenario: Scenario, description: str,
                    samples: dict[str, Sample]) -> dict[str, Any]:
    """What the results file keeps of one scenario."""
    ours, bare = samples.get("rencontre"), samples.get("bare")
    rows = []
    for metric in scenario.metrics:
        a = ours.numbers.get(metric.key) if ours else None
        b = bare.numbers.get(metric.key) if bare else None
        rows.append({"key": metric.key, "label": metric.label, "unit": metric.unit,
                     "goal": metric.goal, "digits": metric.digits, "rencontre": a, "bare": b,
                     "ratio": ratio(a, b)})
    return {"number": scenario.number, "key": scenario.key, "title": description,
            "ready": True, "metrics": rows,
            "notes": [n for s in samples.values() for n in s.notes],
            "series": {name: s.series for name, s in samples.items() if s.series}}


def not_yet_record(scenario: Scenario) -> dict[str, Any]:
    return {"number": scenario.number, "key": scenario.key, "title": scenario.title,
            "ready": False, "needs": scenario.needs, "metrics": [], "notes": [], "series": {}}


def table(record: dict[str, Any]) -> str:
    """The terminal table of one scenario: each number for Rencontre, bare, and the ratio."""
    head = f"\n== {record['number']}. {record['title']}"
    if not record["ready"]:
        return f"{head}\n   not yet: needs {record['needs']}"
    lines = [head, f"   {'':34} {'goal':>12} {'rencontre':>12} {'bare':>12} {'ratio':>8}"]
    for row in record["metrics"]:
        label = f"{row['label']} ({row['unit']})" if row["unit"] else row["label"]
        lines.append(f"   {label:34} {row['goal']:>12} {fmt(row['rencontre'], row['digits']):>12}"
                     f" {fmt(row['bare'], row['digits']):>12} {fmt(row['ratio'], 2):>8}")
    lines += [f"   - {note}" for note in record["notes"]]
    return "\n".join(lines)


def markdown(results: dict[str, Any]) -> str:
    """The results as a Markdown table, to paste into docs/benchmarks.md or the issue."""
    lines = ["| # | number | goal | Rencontre | bare | ratio |", "|---|---|---|---:|---:|---:|"]
    for record in results["scenarios"]:
        if not record["ready"]:
            lines.append(f"| {record['number']} | not yet: {record['needs']} | | | | |")
            continue
        for row in record["metrics"]:
            label = f"{row['label']} ({row['unit']})" if row["unit"] else row["label"]
            lines.append(f"| {record['number']} | {label} | {row['goal']} | "
                         f"{fmt(row['rencontre'], row['digits'])} | "
                         f"{fmt(row['bare'], row['digits'])} | {fmt(row['ratio'], 2)} |")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """The facts that make numbers comparable: CPU, cores, memory, versions."""
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) * 1024
    packages = {}
    for name in ("aiohttp", "websockets", "picows", "redis"):
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = None
    return {"cpu": model, "cores": os.cpu_count(), "memory_gib": round(memory / 2**30, 1),
            "kernel": platform.release(), "python": platform.python_version(),
            "packages": packages}


def save(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1) + "\n")


__all__ = ["Metric", "machine", "markdown", "not_yet_record", "save", "scenario_record", "table"]
