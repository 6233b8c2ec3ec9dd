"""Schedule import and export: frab XML, schedule JSON, iCalendar, CSV.

Exports take a Programme and return bytes; imports take bytes and return a new Programme, or
raise ImportProblems listing everything wrong in the file (nothing is imported then).
"""

from __future__ import annotations

from rencontre.engine.messages import N_
from rencontre.schedule.model import Programme

from .builder import Progress
from .csv_format import COLUMNS, REQUIRED, export_csv, import_csv
from .errors import ImportProblems, Problem
from .frab import export_frab, import_frab
from .ical import export_ical, import_ical
from .schedule2 import export_schedule2
from .schedule_json import export_schedule_json, import_schedule_json

__all__ = [
    "ImportProblems", "Problem", "Progress", "export_csv", "export_frab", "export_ical",
    "export_schedule2", "export_schedule_json", "import_csv", "import_frab", "import_ical",
    "import_schedule_json", "load", "sniff",
]

_SNIFF_BYTES = 4096


def sniff(data: bytes) -> str | None:
    """The format of ``data`` from its first bytes: ``frab``, ``json``, ``ical``, ``csv``, or
    None when it is none of these."""
    head = data[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"<schedule" in head:
        return "frab"
    if head.startswith(b"{"):
        return "json"
    if head[:15].upper() == b"BEGIN:VCALENDAR":
        return "ical"
    header = head.split(b"\n", 1)[0].decode("utf-8", "replace").strip().split(",")
    if set(REQUIRED) <= {name.strip() for name in header}:
        return "csv"
    return None


_IMPORTERS = {"frab": import_frab, "json": import_schedule_json, "ical": import_ical,
              "csv": import_csv}


def load(data: bytes, filename: str | None = None, *, default_timezone: str | None = None,
         progress: Progress | None = None, lenient: bool = False,
         report: list[Problem] | None = None, allow_overlaps: bool = False) -> Programme:
    """Import ``data`` in whichever format ``sniff`` recognises (the content decides, not the
    file name, which only names the file in problems); ImportProblems for any other content.

    All or nothing, unless ``lenient``: then each bad session is skipped (or repaired) and
    reported in ``report`` with its place, and the rest is imported. Two sessions at once in
    one room are a problem unless ``allow_overlaps`` (a lenient import reports them).
    """
    kind = sniff(data)
    if kind is None:
        raise ImportProblems([Problem(
            filename or "file",
            N_("unknown format: expected frab XML (<schedule>), schedule JSON, iCalendar "
               "(BEGIN:VCALENDAR) or CSV with the header {header}"),
            {"header": ",".join(COLUMNS)})])
    return _IMPORTERS[kind](data, default_timezone=default_timezone, progress=progress,
                            lenient=lenient, report=report, allow_overlaps=allow_overlaps)
