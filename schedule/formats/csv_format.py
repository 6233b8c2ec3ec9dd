"""A plain CSV of sessions, for organisers working in a spreadsheet.

Columns (header row required, any order; see docs/formats.md)::

    id,guid,start,end,room,track,language,title_fr,title_es,title_en,
    abstract_fr,abstract_es,abstract_en,speakers,status

``start``/``end`` are ISO 8601 local times with their offset (``2025-03-10T09:00-06:00``);
on import a time without offset is read in the default time zone.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from rencontre.engine.messages import N_
from rencontre.engine.reports import from_spreadsheet_cell, spreadsheet_csv
from rencontre.schedule.model import LANGUAGES, Programme, Session, Status, pick

from .builder import Leniency, ProgrammeBuilder, Progress
from .common import event_of, tidy
from .errors import ImportProblems, Problem
from .stream_links import CAPTIONS, REPLAY, channel_title, export_links, import_links

# The floor and each interpretation: an address per channel, and in ``audio_only`` the
# names of those that carry sound only ("fr es").
STREAMS = ("floor", *LANGUAGES)
COLUMNS = ("id", "guid", "start", "end", "room", "track", "language",
           *(f"title_{lang}" for lang in LANGUAGES), *(f"abstract_{lang}" for lang in LANGUAGES),
           "speakers", "status", *(f"stream_{name}" for name in STREAMS), "captions", "replay",
           "audio_only")
REQUIRED = ("id", "start", "end", "room")
SPEAKER_SEPARATOR = ";"
IMPORTED_SLUG = "imported"
IMPORTED_NAME = "Imported programme"


def export_csv(programme: Programme, *, lang: str = "en", base_url: str = "") -> bytes:
    """Every session (cancelled ones too, with their status) as CSV, in start order.

    UTF-8 with a byte order mark so that spreadsheet programs read accents right; rooms and
    tracks by name in ``lang``; speakers' names joined by ``; ``; times in the event's zone.
    ``base_url`` is accepted for a uniform signature and not used.
    """
    zone = event_of(programme).zone
    rows = []
    for session in programme.ordered_sessions():
        track = programme.tracks.get(session.track or "")
        rows.append([
            session.id, session.guid, _local(session.start, zone), _local(session.end, zone),
            pick(programme.rooms[session.room].name, lang),
            pick(track.name, lang) if track else "", session.language,
            *(tidy(session.title.get(lang, "")) for lang in LANGUAGES),
            *(tidy(session.abstract.get(lang, "")) for lang in LANGUAGES),
            f"{SPEAKER_SEPARATOR} ".join(programme.speakers[s].name for s in session.speakers),
            session.status.value, *_stream_cells(programme, session),
        ])
    return spreadsheet_csv(COLUMNS, rows)


def _stream_cells(programme: Programme, session: Session) -> list[str]:
    links = {title: url for url, title in export_links(programme, session)}
    audio = [name for name in STREAMS if channel_title(name, True) in links]
    return [*(links.get(channel_title(name), links.get(channel_title(name, True), ""))
              for name in STREAMS), links.get(CAPTIONS, ""), links.get(REPLAY, ""),
            " ".join(audio)]


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="minutes")


def import_csv(data: bytes, *, default_timezone: str | None = None,
               progress: Progress | None = None, lenient: bool = False,
               report: list[Problem] | None = None,
               allow_overlaps: bool = False) -> Programme:
    """Read a CSV in the columns of ``export_csv`` into a new Programme, or raise ImportProblems.

    ``id``, ``start``, ``end``, ``room`` and one ``title_*`` column are required; an unknown
    column is refused so that a misspelt one is not silently dropped. The event gets the slug
    ``imported`` and zone ``default_timezone`` (else UTC): a CSV carries no event details.
    Places are ``line 12, column start``.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportProblems([Problem(f"byte {error.start}", N_("not UTF-8 text"))]) from None
    rows = _rows(text)
    header = [name.strip() for name in rows[0][1]] if rows else []
    _check_header(header)
    records = [(line, row) for line, row in rows[1:] if any(cell.strip() for cell in row)]
    builder = ProgrammeBuilder(len(records), progress,
                               Leniency.of(lenient, report, allow_overlaps))
    zone = builder.zone("", default_timezone, "default time zone")
    for first_line, row in records:
        place = f"line {first_line}"
        record = dict(zip(header, (from_spreadsheet_cell(tidy(cell)) for cell in row),
                          strict=False))
        builder.add(place, _session(builder, record, place, zone, len(row) - len(header)))
    return builder.finish("CSV", slug=IMPORTED_SLUG, name=IMPORTED_NAME, zone=zone)


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """The CSV records of ``text``, each with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, line = [], 1
    try:
        for row in reader:
            rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as error:
        raise ImportProblems([Problem(f"line {line}", N_("not valid CSV: {error}"),
                                      {"error": str(error)})]) from None
    return rows


def _check_header(header: list[str]) -> None:
    problems = [Problem(f"line 1, column {name or '(empty)'}", N_("unknown column"))
                for name in header if name not in COLUMNS]
    problems += [Problem("line 1", N_("no {column} column"), {"column": name}) for name in REQUIRED
                 if name not in header]
    if not any(name.startswith("title_") for name in header):
        problems.append(Problem("line 1", N_("no title column (title_fr, title_es or "
                                             "title_en)")))
    if problems:
        raise ImportProblems(problems)


def _session(builder: ProgrammeBuilder, record: dict[str, str], place: str,
             zone: ZoneInfo | None, extra_cells: int) -> Session | None:
    problems = len(builder.problems)

    def problem(column: str, message: str, **params: object) -> None:
        builder.problem(f"{place}, column {column}", message, **params)

    if extra_cells > 0:
        builder.problem(place, N_("more cells than the header has columns"))
    for column in REQUIRED:
        if not record.get(column):
            problem(column, N_("empty"))
    titles = {lang: record[f"title_{lang}"] for lang in LANGUAGES
              if record.get(f"title_{lang}")}
    if not titles:
        problem("title_*", N_("no title in any language"))
    start, end = (builder.time(record[column], f"{place}, column {column}", zone)
                  if record.get(column) else None for column in ("start", "end"))
    status = record.get("status") or Status.SCHEDULED.value
    if status not in {member.value for member in Status}:
        problem("status", N_("expected one of {values}, not “{text}”"),
                values=", ".join(Status), text=status)
    if len(builder.problems) > problems or start is None or end is None:
        return None
    track = record.get("track", "")
    audio = set(record.get("audio_only", "").lower().replace(",", " ").split())
    speakers = [builder.speaker("", name.strip())
                for name in record.get("speakers", "").split(SPEAKER_SEPARATOR) if name.strip()]
    return Session(
        id=record["id"], guid=record.get("guid") or record["id"], title=titles,
        room=builder.room(record["room"]), start=start, end=end,
        abstract={lang: record[f"abstract_{lang}"] for lang in LANGUAGES
                  if record.get(f"abstract_{lang}")},
        speakers=list(dict.fromkeys(speakers)), language=record.get("language") or "en",
        track=builder.track(track) if track else None, status=Status(status),
        stream=import_links([(record.get(f"stream_{name}", ""), channel_title(name, name in audio))
                             for name in STREAMS] + [(record.get("captions", ""), CAPTIONS),
                                                     (record.get("replay", ""), REPLAY)]))
