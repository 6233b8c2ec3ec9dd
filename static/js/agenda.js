// The agenda: day tabs, a grid of rooms by time (a list on phones), filters, search,
// a "now" line, now and next per room, stars, and a banner saying what changed.
//
// The module also exports what the other agenda pages share (my agenda, a session,
// the change log, the moderator's session controls): the programme kept current
// from the snapshot and the pushes, times, badges, stars and change descriptions.
// The agenda itself starts only on its own page.

import { bothClocks, clock, day, eventZone, lang, localized, page, showConnection, t, tn, viewerTime, viewerZone, zoneCity } from "./i18n.js";
import { mountAnnouncements } from "./announcements.js";
import { onNow } from "./now.js";
import { Socket } from "./socket.js";
import { applyStreamChange } from "./streams.js";

// -- the programme, kept current -----------------------------------------------------------

export class AgendaStore extends EventTarget {
  constructor(socket) {
    super();
    this.socket = socket;
    this.programme = null;
    this.sessions = new Map();
    this.rooms = new Map();
    this.tracks = new Map();
    this.speakers = new Map();
    this.starred = new Set();
    this.changes = [];
    this.me = null;
    this.seq = 0;
    socket.addEventListener("snapshot", (e) => {
      const snap = e.detail;
      this.me = snap.me;
      this.seq = snap.seq;
      this.starred = new Set(snap.starred || []);
      this.changes = snap.changes || [];
      this.load(snap.programme);
      this.emit({ reason: "snapshot" });
    });
    socket.addEventListener("schedule.loaded", (e) => {
      this.load(e.detail.programme);
      this.emit({ reason: "loaded", text: t("The programme was updated.") });
    });
    socket.addEventListener("session.changed", (e) => {
      const { change, sessions } = e.detail;
      for (const session of sessions) this.sessions.set(session.id, session);
      this.programme.sessions = [...this.sessions.values()];
      this.changes.push(change);
      this.emit({ reason: "changed", change, sessions, text: describeChange(change, this) });
    });
    socket.addEventListener("stream.changed", (e) => {
      if (applyStreamChange(e.detail, this.sessions, this.rooms)) this.emit({ reason: "stream" });
    });
    socket.addEventListener("agenda.starred", (e) => this.setStar(e.detail.session, true));
    socket.addEventListener("agenda.unstarred", (e) => this.setStar(e.detail.session, false));
  }

  load(programme) {
    this.programme = programme;
    this.sessions = new Map(programme.sessions.map((s) => [s.id, s]));
    this.rooms = new Map(programme.rooms.map((r) => [r.id, r]));
    this.tracks = new Map(programme.tracks.map((r) => [r.id, r]));
    this.speakers = new Map(programme.speakers.map((r) => [r.id, r]));
  }

  emit(detail) {
    this.dispatchEvent(new CustomEvent("update", { detail }));
  }

  get event() {
    return this.programme && this.programme.event;
  }

  ordered() {
    const position = (s) => (this.rooms.get(s.room) || { position: 0 }).position;
    return [...this.sessions.values()].sort((a, b) =>
      Date.parse(a.start) - Date.parse(b.start) || position(a) - position(b) ||
      (a.id < b.id ? -1 : 1));
  }

  orderedRooms() {
    return [...this.rooms.values()].sort((a, b) => a.position - b.position ||
      (a.id < b.id ? -1 : 1));
  }

  roomName(id) {
    const room = this.rooms.get(id);
    return room ? localized(room.name) : id;
  }

  speakerNames(session) {
    return session.speakers.map((id) => (this.speakers.get(id) || { name: id }).name);
  }

  // The last "moved" change of a session, if any.
  lastMove(id) {
    for (let i = this.changes.length - 1; i >= 0; i -= 1) {
      if (this.changes[i].session === id && this.changes[i].kind === "moved") return this.changes[i];
    }
    return null;
  }

  setStar(id, on) {
    if (on) this.starred.add(id);
    else this.starred.delete(id);
    this.emit({ reason: "starred", session: id });
  }

  async toggleStar(id) {
    const on = !this.starred.has(id);
    this.setStar(id, on);
    try {
      await this.socket.call(on ? "agenda.star" : "agenda.unstar", { session: id });
    } catch (error) {
      this.setStar(id, !on);
      throw error;
    }
  }
}

// -- times ---------------------------------------------------------------------------------

const parts = new Map();
function partsIn(moment, zone) {
  if (!parts.has(zone)) {
    parts.set(zone, new Intl.DateTimeFormat("en-US", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    }));
  }
  const out = {};
  for (const part of parts.get(zone).formatToParts(new Date(moment))) out[part.type] = part.value;
  return out;
}

// "2026-03-10": the calendar day of a moment in a zone (the event's by default).
export function dayKey(moment, zone = eventZone) {
  const p = partsIn(moment, zone);
  return `${p.year}-${p.month}-${p.day}`;
}

// Minutes since the midnight of ``key`` in the event's zone (may exceed 1440).
export function minuteOfDay(moment, key) {
  const p = partsIn(moment, eventZone);
  const here = Date.UTC(+p.year, +p.month - 1, +p.day);
  const [y, m, d] = key.split("-").map(Number);
  const days = Math.round((here - Date.UTC(y, m - 1, d)) / 86_400_000);
  return days * 1440 + Number(p.hour) * 60 + Number(p.minute);
}

// The UTC instant of a local "YYYY-MM-DDTHH:MM" in ``zone``, as an ISO string.
export function zonedToUtc(local, zone = eventZone) {
  const [date, time] = local.split("T");
  const [y, m, d] = date.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const offset = (ms) => {
    const p = partsIn(ms, zone);
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - ms;
  };
  let ms = wall - offset(wall);
  ms = wall - offset(ms);
  return new Date(ms).toISOString();
}

// A local "YYYY-MM-DDTHH:MM" of an instant in ``zone`` (for datetime-local inputs).
export function utcToZoned(moment, zone = eventZone) {
  const p = partsIn(moment, zone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

// "Wednesday, March 11" for a day key; ``short``: "Wed, Mar 11".
let shortDay = null;
export function dayLabel(key, { short = false } = {}) {
  const noon = `${key}T12:00:00Z`;
  if (!short) return day(noon, "UTC");
  shortDay = shortDay || new Intl.DateTimeFormat(lang, {
    timeZone: "UTC", weekday: "short", day: "numeric", month: "short" });
  return shortDay.format(new Date(noon));
}

// The event's days (its own, widened to any session outside them).
export function eventDays(store) {
  const keys = new Set();
  const event = store.event;
  if (event) {
    const [y, m, d] = event.start_date.split("-").map(Number);
    for (let i = 0; i < event.days; i += 1) {
      keys.add(new Date(Date.UTC(y, m - 1, d + i)).toISOString().slice(0, 10));
    }
  }
  for (const session of store.sessions.values()) keys.add(dayKey(session.start));
  return [...keys].sort();
}

export function differentZone() {
  return viewerZone !== eventZone;
}

// "10:30–11:30" in the event's zone; and the viewer's own when it differs ("Wed
// 01:30–02:30 your time (Tokyo)", with the day when that differs too), else null.
export function timeRanges(session) {
  const here = `${clock(session.start)}–${clock(session.end)}`;
  return { here, there: viewerTime(session.start, session.end) };
}

export function whenElement(session, { withDay = false } = {}) {
  const when = document.createElement("p");
  when.className = "when";
  const { here, there } = timeRanges(session);
  const main = document.createElement("time");
  main.dateTime = session.start;
  main.textContent = withDay ? `${day(session.start)} · ${here}` : here;
  when.append(main);
  if (there) {
    const mine = document.createElement("span");
    mine.className = "yours";
    mine.textContent = there;
    when.append(" ", mine);
  }
  return when;
}

// -- words ---------------------------------------------------------------------------------

export function fold(text) {
  return (text || "").normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();
}

const languageNames = (() => {
  try {
    return new Intl.DisplayNames([lang], { type: "language" });
  } catch {
    return null;
  }
})();

export function languageName(code) {
  try {
    return (languageNames && languageNames.of(code)) || code;
  } catch {
    return code;
  }
}

function titleOf(store, id, fallback) {
  const session = store.sessions.get(id) || fallback;
  return session ? localized(session.title) : id;
}

// One sentence saying what a change did, in the viewer's language. ``live`` describes a
// change that just happened, with the session's time now; the log's older lines go without.
export function describeChange(change, store, { live = true } = {}) {
  const session = store.sessions.get(change.session);
  // A removed session is named by the change itself: the programme no longer has it.
  const title = titleOf(store, change.session, change.title && { title: change.title });
  const time = session && live ? bothClocks(session.start) : null;
  const minutes = Math.abs(change.minutes || 0);
  let text;
  switch (change.kind) {
    case "started":
      text = t("“{title}” has started.", { title });
      break;
    case "ended":
      text = t("“{title}” has ended.", { title });
      break;
    case "delayed":
      if (change.minutes > 0) {
        text = time ? t("“{title}” is delayed by {minutes} min, now at {time}.",
          { title, minutes, time })
          : t("“{title}” was delayed by {minutes} min.", { title, minutes });
      } else {
        text = time ? t("“{title}” is brought forward by {minutes} min, now at {time}.",
          { title, minutes, time })
          : t("“{title}” was brought forward by {minutes} min.", { title, minutes });
      }
      if (change.also && change.also.length) {
        text += ` ${tn("The next session in {room} moves too.",
          "The next {count} sessions in {room} move too.", change.also.length,
          { room: store.roomName(session && session.room) })}`;
      }
      break;
    case "moved":
      text = t("“{title}” moved from {from} to {to}.", {
        title, from: store.roomName(change.from_room), to: store.roomName(change.to_room) });
      break;
    case "cancelled":
      text = t("“{title}” is cancelled.", { title });
      break;
    case "restored":
      text = t("“{title}” is back on the programme.", { title });
      break;
    case "removed":
      text = t("“{title}” was removed from the programme.", { title });
      break;
    case "edited":
      if ((change.fields || []).some((f) => f === "start" || f === "end")) {
        text = time ? t("“{title}” is now at {time}.", { title, time })
          : t("“{title}” was rescheduled.", { title });
      } else {
        text = t("“{title}” was updated.", { title });
      }
      break;
    default:
      text = t("“{title}” was updated.", { title });
  }
  return text;
}

// -- pieces of a session -------------------------------------------------------------------

export function badges(session, store) {
  const list = document.createElement("span");
  list.className = "badges";
  const add = (kind, text, title) => {
    const badge = document.createElement("span");
    badge.className = `badge badge-${kind}`;
    badge.textContent = text;
    if (title) badge.title = title;
    list.append(badge);
  };
  if (session.status === "live") add("live", t("Live"));
  if (session.status === "ended") add("ended", t("Ended"));
  if (session.status === "cancelled") add("cancelled", t("Cancelled"));
  if (session.status === "delayed" && session.delay > 0) {
    add("delayed", t("Delayed +{minutes} min", { minutes: session.delay }));
  } else if (session.status === "delayed" && session.delay < 0) {
    add("delayed", t("Earlier by {minutes} min", { minutes: -session.delay }));
  }
  const move = store.lastMove(session.id);
  if (move && move.to_room === session.room && session.status !== "cancelled") {
    add("moved", t("Moved"), t("Moved from {from}", { from: store.roomName(move.from_room) }));
  }
  return list;
}

export function trackColor(element, store, session) {
  const track = store.tracks.get(session.track);
  if (track) element.style.setProperty("--track", track.color);
}

export function starButton(session, store, onError = () => {}) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "star";
  button.dataset.focus = `star:${session.id}`;
  const on = store.starred.has(session.id);
  button.setAttribute("aria-pressed", on ? "true" : "false");
  const icon = document.createElement("span");
  icon.setAttribute("aria-hidden", "true");
  icon.textContent = on ? "★" : "☆";
  const label = document.createElement("span");
  label.className = "visually-hidden";
  label.textContent = t("In my agenda: {title}", { title: localized(session.title) });
  button.append(icon, label);
  button.title = on ? t("Remove from my agenda") : t("Add to my agenda");
  button.addEventListener("click", () => {
    store.toggleStar(session.id).catch(onError);
  });
  return button;
}

// A session card: time, title (linked), room, speakers, track, language, badges, star.
export function sessionCard(session, store, { showRoom = true, withDay = false, tag = "article",
  headingLevel = 3, onError } = {}) {
  const card = document.createElement(tag);
  card.className = `session status-${session.status}`;
  card.dataset.session = session.id;
  trackColor(card, store, session);
  const head = document.createElement("div");
  head.className = "session-head";
  head.append(whenElement(session, { withDay }));
  if (store.me) head.append(starButton(session, store, onError));
  const heading = document.createElement(`h${headingLevel}`);
  heading.className = "session-title";
  const link = document.createElement("a");
  link.href = `/sessions/${encodeURIComponent(session.id)}`;
  link.textContent = localized(session.title);
  heading.append(link);
  card.append(head, heading);
  const meta = document.createElement("p");
  meta.className = "meta";
  const bits = [];
  if (showRoom) bits.push(store.roomName(session.room));
  const speakers = store.speakerNames(session);
  if (speakers.length) bits.push(speakers.join(", "));
  meta.textContent = bits.join(" · ");
  const tags = document.createElement("p");
  tags.className = "tags";
  const track = store.tracks.get(session.track);
  if (track) {
    const label = document.createElement("span");
    label.className = "track";
    label.textContent = localized(track.name);
    tags.append(label);
  }
  const language = document.createElement("span");
  language.className = "lang";
  language.textContent = languageName(session.language);
  language.lang = session.language;
  tags.append(language, badges(session, store));
  card.append(meta, tags);
  return card;
}

// -- the change banner ---------------------------------------------------------------------

export class ChangeBanner {
  constructor() {
    this.box = document.getElementById("change-banner");
    this.text = document.getElementById("change-text");
    this.link = document.getElementById("change-link");
    this.dismiss = document.getElementById("change-dismiss");
    if (this.dismiss) this.dismiss.addEventListener("click", () => this.clear());
  }

  show(text) {
    if (!this.box || !text) return;
    this.text.textContent = text;
    delete this.box.dataset.idle;
    this.link.hidden = false;
    this.dismiss.hidden = false;
  }

  clear() {
    this.text.textContent = "";
    this.box.dataset.idle = "";
    this.link.hidden = true;
    this.dismiss.hidden = true;
  }
}

// Keep the focused control (by its data-focus key) and the sideways scroll across a redraw.
export function redrawKeepingFocus(container, draw) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.focus : null;
  const scrolled = container.querySelector(".grid-wrap");
  const left = scrolled ? scrolled.scrollLeft : 0;
  draw();
  const again = container.querySelector(".grid-wrap");
  if (again && left) again.scrollLeft = left;
  if (key) {
    const target = container.querySelector(`[data-focus="${CSS.escape(key)}"]`);
    if (target) target.focus();
  }
}

export function errorText(error) {
  return t("Error: {message}", { message: error.message || String(error) });
}

// -- the agenda page -----------------------------------------------------------------------

// Pixels per minute of the grid: at least this, more when a card's words need it.
const PX_PER_MINUTE = 2;
const MAX_PX_PER_MINUTE = 6;
const CARD_GAP = 4; // px between two cards that follow each other in a room
const WIDE = window.matchMedia("(min-width: 48rem)");

// Cards are placed in minutes (--top, --len) and the grid sets the pixels per minute
// (--ppm): once drawn, the scale grows until the wordiest card holds its title, speakers
// and badges (French badges are the longest), so that no card clips its own content.
function fitGrid(table) {
  table.style.setProperty("--ppm", `${PX_PER_MINUTE}px`);
  let needed = PX_PER_MINUTE;
  for (const card of table.querySelectorAll(".column .session")) {
    const minutes = Number(card.style.getPropertyValue("--len"));
    if (minutes > 0 && card.scrollHeight > card.clientHeight) {
      needed = Math.max(needed, (card.scrollHeight + CARD_GAP) / minutes);
    }
  }
  needed = Math.min(MAX_PX_PER_MINUTE, Math.ceil(needed * 4) / 4);
  if (needed > PX_PER_MINUTE) table.style.setProperty("--ppm", `${needed}px`);
}

// The clock label of a whole hour of a day, in the page's language ("09:00", "9 AM").
function hourLabel(key, minute) {
  const [y, m, d] = key.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d + Math.floor(minute / 1440)));
  const hour = String(Math.floor(minute / 60) % 24).padStart(2, "0");
  return clock(zonedToUtc(`${date.toISOString().slice(0, 10)}T${hour}:00`));
}

function startAgenda() {
  const socket = new Socket();
  const store = new AgendaStore(socket);
  const banner = new ChangeBanner();
  mountAnnouncements(socket, { accept: (a) => !a.room });
  const tabs = document.getElementById("day-tabs");
  const panels = document.getElementById("day-panels");
  const form = document.getElementById("filters");
  const search = document.getElementById("f-search");
  const trackSelect = document.getElementById("f-track");
  const langSelect = document.getElementById("f-lang");
  const count = document.getElementById("match-count");
  let selected = decodeURIComponent(location.hash.replace(/^#day-/, "")) || null;
  let view = localStorage.getItem("rencontre.agenda.view") || (WIDE.matches ? "grid" : "list");
  let days = [];

  showConnection(socket, document.getElementById("conn"));
  if (differentZone()) {
    const note = document.getElementById("zone-note");
    note.append(" ", t("Your own time ({zone}) is shown after it.", { zone: zoneCity(viewerZone) }));
  }
  form.view.value = view;
  form.addEventListener("submit", (e) => e.preventDefault());
  form.addEventListener("change", (e) => {
    if (e.target.name === "view") {
      view = form.view.value;
      localStorage.setItem("rencontre.agenda.view", view);
    }
    render();
  });
  search.addEventListener("input", () => render());
  WIDE.addEventListener("change", () => {
    if (!localStorage.getItem("rencontre.agenda.view")) {
      view = WIDE.matches ? "grid" : "list";
      form.view.value = view;
      render();
    }
  });

  store.addEventListener("update", (e) => {
    const { reason, text } = e.detail;
    if (reason === "snapshot" || reason === "loaded") fillFilters();
    if (text) banner.show(text);
    render();
  });

  function fillFilters() {
    const keepTrack = trackSelect.value;
    const keepLang = langSelect.value;
    const trackOptions = [...store.tracks.values()].map((track) => {
      const option = document.createElement("option");
      option.value = track.id;
      option.textContent = localized(track.name);
      return option;
    });
    trackSelect.replaceChildren(trackSelect.options[0], ...trackOptions);
    trackSelect.value = store.tracks.has(keepTrack) ? keepTrack : "";
    const languages = [...new Set([...store.sessions.values()].map((s) => s.language))].sort();
    const langOptions = languages.map((code) => {
      const option = document.createElement("option");
      option.value = code;
      option.textContent = languageName(code);
      return option;
    });
    langSelect.replaceChildren(langSelect.options[0], ...langOptions);
    langSelect.value = languages.includes(keepLang) ? keepLang : "";
  }

  function matches(session) {
    if (trackSelect.value && session.track !== trackSelect.value) return false;
    if (langSelect.value && session.language !== langSelect.value) return false;
    const query = fold(search.value.trim());
    if (!query) return true;
    const haystack = fold([
      ...Object.values(session.title || {}), ...Object.values(session.abstract || {}),
      ...store.speakerNames(session),
    ].join(" \n "));
    return query.split(/\s+/).every((word) => haystack.includes(word));
  }

  function today() {
    return dayKey(socket.now);
  }

  function chooseDay() {
    if (selected && days.includes(selected)) return selected;
    return days.includes(today()) ? today() : days[0];
  }

  function drawTabs() {
    const current = chooseDay();
    const buttons = days.map((key, index) => {
      const tab = document.createElement("button");
      tab.type = "button";
      tab.setAttribute("role", "tab");
      tab.id = `tab-${key}`;
      tab.dataset.day = key;
      tab.dataset.focus = `tab:${key}`;
      tab.setAttribute("aria-controls", `panel-${key}`);
      tab.setAttribute("aria-selected", key === current ? "true" : "false");
      tab.tabIndex = key === current ? 0 : -1;
      const label = document.createElement("span");
      label.className = "tab-day";
      label.textContent = t("Day {number}", { number: index + 1 });
      const date = document.createElement("span");
      date.className = "tab-date";
      date.textContent = dayLabel(key, { short: true });
      tab.append(label, date);
      if (key === today()) {
        const now = document.createElement("span");
        now.className = "tab-today";
        now.textContent = t("Today");
        tab.append(now);
      }
      tab.addEventListener("click", () => select(key));
      return tab;
    });
    tabs.replaceChildren(...buttons);
    return current;
  }

  function select(key, focus = false) {
    selected = key;
    history.replaceState(null, "", `#day-${key}`);
    render();
    if (focus) document.getElementById(`tab-${key}`).focus();
  }

  tabs.addEventListener("keydown", (e) => {
    const index = days.indexOf(chooseDay());
    let next = null;
    if (e.key === "ArrowRight") next = (index + 1) % days.length;
    else if (e.key === "ArrowLeft") next = (index - 1 + days.length) % days.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = days.length - 1;
    if (next === null) return;
    e.preventDefault();
    select(days[next], true);
  });

  function render() {
    if (!store.event) return;
    redrawKeepingFocus(document.getElementById("main"), draw);
  }

  function draw() {
    days = eventDays(store);
    const current = drawTabs();
    const all = store.ordered().filter((s) => dayKey(s.start) === current);
    const shown = all.filter(matches);
    const panelList = days.map((key) => {
      const panel = document.createElement("section");
      panel.id = `panel-${key}`;
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", `tab-${key}`);
      panel.className = "day-panel";
      panel.hidden = key !== current;
      if (key === current) fillPanel(panel, key, all, shown);
      return panel;
    });
    panels.replaceChildren(...panelList);
    for (const table of panels.querySelectorAll(".grid")) fitGrid(table);
    const filtering = shown.length !== all.length;
    count.textContent = filtering
      ? t("{shown} of {total} sessions match.", { shown: shown.length, total: all.length })
      : "";
  }

  function fillPanel(panel, key, all, shown) {
    if (key === today()) panel.append(nowAndNext());
    if (!shown.length) {
      const empty = document.createElement("p");
      empty.className = "empty";
      empty.textContent = all.length ? t("No session matches these filters.")
        : t("No sessions on this day.");
      panel.append(empty);
      return;
    }
    panel.append(view === "grid" ? grid(key, all, shown) : list(shown));
  }

  function onError(error) {
    banner.show(errorText(error));
  }

  function nowAndNext() {
    const box = document.createElement("div");
    box.className = "now-next agenda-now-next";
    box.setAttribute("aria-label", t("Now and next"));
    box.setAttribute("role", "group");
    const now = socket.now;
    for (const room of store.orderedRooms()) {
      const sessions = store.ordered().filter((s) => s.room === room.id &&
        s.status !== "cancelled" && dayKey(s.start) === today());
      if (!sessions.length) continue;
      const current = onNow(sessions, now);
      const upcoming = sessions.find((s) => s !== current && Date.parse(s.start) >= now);
      const card = document.createElement("div");
      card.className = "room";
      const name = document.createElement("h2");
      name.textContent = localized(room.name);
      card.append(name, line(t("Now"), current, t("Nothing now")),
        line(t("Next"), upcoming, t("Nothing next")));
      box.append(card);
    }
    return box;
  }

  function line(label, session, none) {
    const p = document.createElement("p");
    const strong = document.createElement("strong");
    strong.textContent = `${label} · `;
    p.append(strong);
    if (!session) {
      p.append(none);
      return p;
    }
    const when = document.createElement("span");
    when.className = "when";
    when.textContent = clock(session.start);
    const link = document.createElement("a");
    link.href = `/sessions/${encodeURIComponent(session.id)}`;
    link.textContent = localized(session.title);
    p.append(when, " ", link);
    return p;
  }

  function list(shown) {
    const box = document.createElement("div");
    box.className = "agenda-list";
    let slot = null;
    let items = null;
    for (const session of shown) {
      if (session.start !== slot) {
        slot = session.start;
        const heading = document.createElement("h2");
        heading.className = "slot";
        const time = document.createElement("time");
        time.dateTime = session.start;
        time.textContent = clock(session.start);
        heading.append(time);
        items = document.createElement("ul");
        items.className = "sessions";
        box.append(heading, items);
      }
      const li = document.createElement("li");
      li.append(sessionCard(session, store, { tag: "article", onError }));
      items.append(li);
    }
    return box;
  }

  function grid(key, all, shown) {
    const rooms = store.orderedRooms().filter((room) => all.some((s) => s.room === room.id));
    let first = Math.min(...all.map((s) => minuteOfDay(s.start, key)));
    let last = Math.max(...all.map((s) => minuteOfDay(s.end, key)));
    first = Math.max(0, Math.floor(first / 60) * 60);
    last = Math.ceil(last / 60) * 60;
    const wrap = document.createElement("div");
    wrap.className = "grid-wrap";
    const table = document.createElement("div");
    table.className = "grid";
    table.style.setProperty("--rooms", rooms.length);
    table.style.setProperty("--ppm", `${PX_PER_MINUTE}px`);
    const head = document.createElement("div");
    head.className = "grid-head";
    const corner = document.createElement("div");
    corner.className = "corner";
    head.append(corner);
    for (const room of rooms) {
      const cell = document.createElement("div");
      cell.className = "room-head";
      cell.textContent = localized(room.name);
      head.append(cell);
    }
    const body = document.createElement("div");
    body.className = "grid-body";
    body.style.setProperty("--span", last - first);
    const hours = document.createElement("div");
    hours.className = "hours";
    hours.setAttribute("aria-hidden", "true");
    for (let minute = first; minute < last; minute += 60) {
      const mark = document.createElement("span");
      mark.className = "hour";
      mark.style.setProperty("--top", minute - first);
      mark.textContent = hourLabel(key, minute);
      hours.append(mark);
    }
    body.append(hours);
    for (const room of rooms) {
      const column = document.createElement("div");
      column.className = "column";
      column.dataset.room = room.id;
      const name = document.createElement("h2");
      name.className = "visually-hidden";
      name.textContent = localized(room.name);
      column.append(name);
      const inRoom = shown.filter((s) => s.room === room.id);
      inRoom.forEach((session, index) => {
        const top = minuteOfDay(session.start, key) - first;
        const height = minuteOfDay(session.end, key) - first - top;
        const card = sessionCard(session, store, { showRoom: false, onError });
        card.style.setProperty("--top", top);
        card.style.setProperty("--len", height);
        // Sessions forced into one room at once sit side by side.
        const overlaps = inRoom.filter((o) => o !== session &&
          Date.parse(o.start) < Date.parse(session.end) &&
          Date.parse(session.start) < Date.parse(o.end));
        if (overlaps.length) {
          const before = inRoom.slice(0, index).filter((o) => overlaps.includes(o)).length;
          card.classList.add("overlapping");
          card.style.setProperty("--slot", before);
          card.style.setProperty("--slots", overlaps.length + 1);
        }
        column.append(card);
      });
      body.append(column);
    }
    const now = socket.now;
    if (key === today()) {
      const minute = minuteOfDay(now, key);
      if (minute >= first && minute <= last) {
        const lineEl = document.createElement("div");
        lineEl.className = "now-line";
        lineEl.style.setProperty("--top", minute - first);
        const label = document.createElement("span");
        label.textContent = `${t("Now")} ${clock(now)}`;
        lineEl.append(label);
        body.append(lineEl);
      }
    }
    table.append(head, body);
    wrap.append(table);
    return wrap;
  }

  // Narrower columns wrap more words: fit the scale again.
  let refit = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(refit);
    refit = requestAnimationFrame(() => {
      for (const table of panels.querySelectorAll(".grid")) fitGrid(table);
    });
  });
  setInterval(render, 60_000);
  socket.connect();
}

if (page === "agenda") startAgenda();
