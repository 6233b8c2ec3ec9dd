"""``rencontre import-schedule FILE``: load a programme file into an event's log.

Reads frab / pentabarf XML (also the older FOSDEM dialect, given ``--timezone``),
schedule JSON (pretalx v1 and schedule2), iCalendar and Rencontre CSV. The import is
all or nothing: every problem found is printed as ``place: message`` and nothing is
logged. With ``--lenient`` each bad session is skipped (or repaired) instead, every one
printed with its place, and the rest imported. Sessions overlapping in one room are
refused unless ``--force`` (a lenient import lists them and imports them).
Otherwise one ``schedule.load`` command goes into the log, like an upload in
the organiser panel; ``--mode merge`` (the default) updates the sessions already
known (by id or guid) in place, so re-importing an updated file does not duplicate
anything. Messages are in the language of ``LANG`` (fr, es or en).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from rencontre.engine.messages import N_, Actor, Refusal
from rencontre.schedule.formats import ImportProblems, Problem, load, sniff
from rencontre.schedule.model import Programme, pick
from rencontre.server.hub import Hub
from rencontre.server.i18n import environment_language, ngettext, translate
from rencontre.server.log import LogUnavailable, open_log
from rencontre.server.settings import Settings

MODES = ("merge", "replace")
BAR = 30


def read_programme(data: bytes, filename: str, *, state, default_timezone: str | None = None,
                   progress: Callable[[int, int], None] | None = None, lenient: bool = False,
                   report: list[Problem] | None = None, force: bool = False) -> Programme:
    """Parse an uploaded or given file for ``schedule.load`` into the event ``state`` holds.

    Times without an offset are read in ``default_timezone``, else in the current event's
    zone. A CSV file carries no event details: the current event's are kept. Raises
    :class:`ImportProblems`; with ``lenient``, what was skipped or repaired goes to ``report``.
    """
    current = state.programme.event
    zone = default_timezone or (current.timezone if current is not None else None)
    programme = load(data, filename, default_timezone=zone, progress=progress, lenient=lenient,
                     report=report, allow_overlaps=force)
    if sniff(data) == "csv" and current is not None:
        programme.event = current
    return programme


def summary(programme: Programme) -> tuple[int, int]:
    """Sessions and rooms of an imported programme."""
    return len(programme.sessions), len(programme.rooms)


class ProgressBar:
    """``[#####.....] 120/400 sessions`` redrawn in place on a terminal; silent otherwise."""

    def __init__(self, stream: TextIO, label: str, lang: str = "en") -> None:
        self.stream = stream
        self.label = label
        self.lang = lang
        self.tty = stream.isatty()
        self.done = self.total = 0
        self.drawn = -1

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        if not self.tty or total <= 0:
            return
        filled = BAR * done // total
        if filled == self.drawn and done != total:
            return
        self.drawn = filled
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (BAR - filled)}] "
                          f"{done}/{total} sessions")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and self.drawn >= 0:
            self.stream.write("\r\033[K")
        self.stream.write(self.label + ": " + ngettext(
            "read {count} session", "read {count} sessions", self.done, self.lang) + "\n")
        self.stream.flush()


def import_parser(sub: argparse._SubParsersAction, defaults: Settings) -> None:
    command = sub.add_parser(
        "import-schedule", help="import a programme file (frab XML, schedule JSON, iCal, CSV)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    command.add_argument("file", metavar="FILE", help="the file to import")
    command.add_argument("--mode", choices=MODES, default="merge",
                         help="merge into the programme by session id or guid (default), "
                              "or replace it")
    command.add_argument("--lenient", action="store_true",
                         help="skip or repair each bad session, list every one with its place, "
                              "and import the rest (default: all or nothing)")
    command.add_argument("--force", action="store_true",
                         help="import sessions that overlap in one room")
    command.add_argument("--timezone", metavar="ZONE", default=None,
                         help="IANA zone for times written without an offset "
                              "(default: the file's, else the event's)")
    command.add_argument("--data", default=defaults.data,
                         help="directory of the SQLite log (RENCONTRE_DATA)")
    command.add_argument("--redis", default=defaults.redis, metavar="URL",
                         help="import into this Redis log (REDIS_URL)")
    command.set_defaults(run=import_command)


def import_command(args: argparse.Namespace) -> int:
    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        print(f"rencontre: cannot read {args.file}: {error.strerror or error}", file=sys.stderr)
        return 1
    return asyncio.run(import_file(data, Path(args.file).name, mode=args.mode,
                                   timezone=args.timezone, data_dir=args.data, redis=args.redis,
                                   lenient=args.lenient, force=args.force))


async def import_file(data: bytes, filename: str, *, mode: str, timezone: str | None,
                      data_dir: str, redis: str | None, out: TextIO = sys.stdout,
                      err: TextIO = sys.stderr, lenient: bool = False,
                      force: bool = False) -> int:
    from rencontre.server.cli import SYSTEM

    hub = Hub(open_log(data_dir, redis))
    try:
        await hub.start()
    except LogUnavailable as error:
        print(f"rencontre: cannot open the event's log: {error}", file=err)
        if redis is None and "another" in str(error):
            print("The server is running on this data directory. Upload the file in the "
                  "organiser panel (/organiser) instead, or run the server and this import "
                  "on a shared log with --redis URL.", file=err)
        await _stop(hub)
        return 1
    try:
        options = Options(mode, timezone, lenient, force, environment_language(os.environ))
        return await _import(hub, data, filename, options, SYSTEM, out, err)
    finally:
        await _stop(hub)


@dataclass(frozen=True, slots=True)
class Options:
    mode: str
    timezone: str | None
    lenient: bool
    force: bool
    lang: str


async def _import(hub: Hub, data: bytes, filename: str, options: Options, actor: Actor,
                  out: TextIO, err: TextIO) -> int:
    lang = options.lang

    def say(message: str, **params: object) -> str:
        return translate(lang, message, params)

    def text(problem: Problem) -> str:
        return f"{problem.place}: {problem.text(lambda m, p: translate(lang, m, p))}"

    bar = ProgressBar(err, filename, lang)
    report: list[Problem] = []
    try:
        programme = read_programme(data, filename, state=hub.state,
                                   default_timezone=options.timezone, progress=bar,
                                   lenient=options.lenient, report=report, force=options.force)
    except ImportProblems as problems:
        bar.finish()
        for problem in problems.problems:
            print(text(problem), file=err)
        print("rencontre: " + ngettext("{count} problem in {file}; nothing was imported.",
                                       "{count} problems in {file}; nothing was imported.",
                                       len(problems.problems), lang, file=filename), file=err)
        if options.timezone is None and any("time zone" in p.message for p in problems.problems):
            print(say(N_("Give the zone of the file’s local times with --timezone ZONE (an IANA "
                         "name such as Europe/Brussels).")), file=err)
        if not options.lenient:
            print(say(N_("With --lenient, the bad entries are skipped or repaired and the rest "
                         "is imported.")), file=err)
        return 1
    bar.finish()
    for problem in report:
        print(text(problem), file=err)
    data_ = {"programme": programme.to_json(), "mode": options.mode,
             "force": options.force or options.lenient}
    try:
        outcome = await hub.execute("schedule.load", data_, actor)
    except Refusal as refusal:
        outcome = refusal.to_outcome()
    except LogUnavailable as error:
        print(f"rencontre: the log is unavailable, nothing was imported: {error}", file=err)
        return 1
    if not outcome["ok"]:
        params = outcome.get("params") or {}
        print("rencontre: " + say(N_("refused ({code}): {message}"), code=outcome["code"],
                                  message=translate(lang, outcome["message"], params)), file=err)
        for conflict in params.get("conflicts", []):
            print(say(N_("session {session} overlaps session {other} in room {room}"),
                      **conflict), file=err)
        return 1
    sessions, rooms = summary(programme)
    print(imported_text(lang, sessions, rooms, len(report)), file=out)
    said, lines = shared_speakers(lang, hub.state.programme, outcome["result"])
    if said:
        print(f"rencontre: {said}", file=err)
        for line in lines:
            print(f"  {line}", file=err)
    return 0


def imported_text(lang: str, sessions: int, rooms: int, reported: int) -> str:
    """"Imported 3 sessions in 1 room.", and how many problems were skipped or repaired."""
    said = ngettext("Imported {count} session", "Imported {count} sessions", sessions, lang)
    said += " " + ngettext("in {count} room.", "in {count} rooms.", rooms, lang)
    if reported:
        said += " " + ngettext("{count} problem was skipped or repaired.",
                               "{count} problems were skipped or repaired.", reported, lang)
    return said


def shared_speakers(lang: str, programme: Programme, result: dict[str, Any]
                    ) -> tuple[str, list[str]]:
    """What a load's result says of speakers in two sessions at once (``schedule.load``
    loads them): a sentence with their count, then one line per pair listed, "Ana: “Panel”
    and “Talk”", and whether some were left out; ("", []) when there are none."""
    count = result.get("speaker_conflict_count", 0)
    if not count:
        return "", []
    said = ngettext("{count} double booking: a speaker is in two sessions at the same time. "
                    "The sessions were imported; move one if that is a mistake.",
                    "{count} double bookings: a speaker is in two sessions at the same time. "
                    "The sessions were imported; move one if that is a mistake.", count, lang)
    listed = result.get("speaker_conflicts", [])
    if len(listed) < count:
        said += " " + translate(lang, N_("Only the first {shown} are listed."),
                                {"shown": len(listed)})

    def title(session_id: str) -> str:
        session = programme.sessions.get(session_id)
        return pick(session.title, lang) if session else session_id

    lines = []
    for pair in listed:
        speaker = programme.speakers.get(pair["speaker"])
        lines.append(translate(lang, N_("{speaker}: “{other}” and “{session}”"), {
            "speaker": speaker.name if speaker else pair["speaker"],
            "other": title(pair["other"]), "session": title(pair["session"])}))
    return said, lines


async def _stop(hub: Hub) -> None:
    try:
        await hub.stop()
    except LogUnavailable:
        pass
