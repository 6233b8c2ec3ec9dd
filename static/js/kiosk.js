// Kiosk: check people in at the venue, or let them into one session, by badge scan
// (a handheld scanner types the code, then Enter), typed code, or name search.
//
// Offline, scans are accepted all the same: the shared socket keeps them in
// localStorage and sends them again with the same id once connected, which the
// server treats as retries; each carries offline_at, the time it was scanned. Their
// verdicts arrive as the queue drains and land in the recent list.

import { AnnouncementList } from "./announcements.js";
import { clock, day, lang, localized, showConnection, t } from "./i18n.js";
import { KioskSocket } from "./kiosk_net.js";
import { RecentList, VerdictPanel } from "./kiosk_panel.js";
import { mountSearch } from "./kiosk_search.js";

const SCANS = new Set(["checkin.scan", "checkin.manual", "entry.scan"]);
const REPEAT_MS = 2000; // a scanner that reads one badge twice
const SETTINGS_KEY = "rencontre.kiosk.mode";

const $ = (id) => document.getElementById(id);
const socket = new KioskSocket({ hello: { lang }, storageKey: "rencontre.kiosk.queue" });
const verdict = new VerdictPanel($("verdict"));
const recent = new RecentList($("recent"), t("No check-ins yet."));
const announcements = new AnnouncementList($("announcements"), socket);
const scanForm = $("scan-form");
const scanInput = $("scan");
const sessionSelect = $("entry-session");
const sessions = new Map();
const rooms = new Map();
const inside = new Map(); // session -> {count, capacity}, from answers and pushes
let me = null;
let settings = loadSettings();
let lastScan = { code: "", at: -Infinity };
let keys = 0;

showConnection(socket, $("conn"));

// -- what answers mean -------------------------------------------------------------------------

const now = () => socket.now / 1000;
const where = (person) => [person.organisation, person.city].filter(Boolean).join(" · ");

function sessionTitle(id) {
  const session = sessions.get(id);
  return session ? localized(session.title) : id;
}

// A check-in as the recent list shows it, from the snapshot or a push.
function checkinLine(checkin) {
  const text = checkin.offline_at
    ? t("Checked in by {device}, scanned offline at {time}",
        { device: checkin.device, time: clock(checkin.offline_at * 1000) })
    : t("Checked in by {device}", { device: checkin.device });
  return { kind: "ok", name: checkin.registration.name, text, at: checkin.at,
           registration: checkin.registration };
}

function answered(type, data, result) {
  const person = result.registration;
  const line = { name: person.name, at: now() };
  if (type === "entry.scan") {
    noteInside(data.session, result.count, result.capacity);
    const text = t("Entered: {session}", { session: sessionTitle(data.session) });
    if (result.verdict === "entered") {
      return { ...line, kind: "ok", title: t("Welcome, {name}", { name: person.name }), detail: text, text };
    }
    const already = t("Already in: {session}", { session: sessionTitle(data.session) });
    return { ...line, kind: "warn", title: already, detail: person.name, text: already };
  }
  if (result.verdict === "checked-in") {
    const checkin = { registration: person, at: now(), device: me ? me.name : "",
                      offline_at: data.offline_at || null };
    return { ...checkinLine(checkin), title: t("Welcome, {name}", { name: person.name }),
             detail: where(person) };
  }
  const first = result.first || {};
  const title = t("Already checked in at {time} by {device}",
                  { time: clock((first.offline_at || first.at) * 1000), device: first.device });
  return { ...line, kind: "warn", title, detail: [person.name, where(person)].filter(Boolean).join(" · "),
           text: title };
}

function refused(type, label, error) {
  let title = type === "entry.scan" ? t("Not let in") : t("Not checked in");
  if (error.code === "checkin.unknown-badge") title = t("Unknown badge");
  if (error.code === "entry.full") title = t("Room full");
  return { kind: "bad", title, detail: error.message, name: label, text: error.message, at: now() };
}

const saved = () => t("Saved — will be sent when the network is back");

function waiting(offline, label) {
  return offline
    ? { kind: "saved", title: saved(), detail: label, name: label, text: saved(), at: now() }
    : { kind: "busy", title: t("Sending…"), detail: label, name: label, text: t("Sending…"), at: now() };
}

// -- sending scans -----------------------------------------------------------------------------

function send(type, data, label) {
  const offline = !socket.online;
  if (offline) data.offline_at = Math.floor(now());
  const key = `k${++keys}`;
  const line = waiting(offline, label);
  recent.pending(key, line);
  verdict.show(line, key);
  follow(socket.call(type, data), key, type, data, label);
  showQueue();
  focusScan();
}

function follow(promise, key, type, data, label) {
  promise.then((result) => settle(key, answered(type, data, result)),
               (error) => settle(key, refused(type, label, error)));
}

function settle(key, outcome) {
  recent.settle(key, outcome);
  verdict.settle(key, outcome);
  showQueue();
}

// Scans queued before the page was reloaded: the socket sends them again on connect;
// their answers come here, so their verdicts are shown like any other.
for (const [id, item] of socket.pending) {
  const { type, data } = item.message;
  if (!SCANS.has(type)) continue;
  const key = `q:${id}`;
  const label = data.badge || data.registration;
  recent.pending(key, { ...waiting(true, label), at: data.offline_at || now() });
  item.resolve = (result) => settle(key, answered(type, data, result));
  item.reject = (error) => settle(key, refused(type, label, error));
}

function queued() {
  let count = 0;
  for (const item of socket.pending.values()) if (SCANS.has(item.message.type)) count += 1;
  return count;
}

function showQueue() {
  const count = queued();
  $("offline").hidden = socket.online;
  $("queued").textContent = count ? t("Waiting to be sent: {count}", { count }) : "";
}

socket.addEventListener("state", () => {
  showQueue();
  // Lines sent but unanswered when the connection went: they wait in the queue now.
  if (socket.online) return;
  for (const item of recent.items) {
    if (item.kind === "busy") Object.assign(item, { kind: "saved", text: saved() });
  }
  recent.render();
  if ($("verdict").dataset.kind === "busy") {
    verdict.show({ kind: "saved", title: saved(), detail: verdict.detail.textContent }, verdict.key);
  }
});

// -- the scan field ---------------------------------------------------------------------------

function focusScan() {
  scanInput.focus({ preventScroll: true });
}

scanForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const code = scanInput.value.trim();
  scanInput.value = "";
  focusScan();
  if (!code) return;
  const at = performance.now();
  if (code === lastScan.code && at - lastScan.at < REPEAT_MS) return;
  lastScan = { code, at };
  if (settings.mode === "entry") {
    if (!settings.session) return chooseSessionFirst();
    send("entry.scan", { badge: code, session: settings.session }, code);
  } else {
    send("checkin.scan", { badge: code }, code);
  }
});

// The scanner types into whatever has the focus: keep it on the scan field, except
// while staff use another control (the search, the mode, a button).
scanInput.addEventListener("blur", () => {
  setTimeout(() => {
    if (!document.activeElement || document.activeElement === document.body) focusScan();
  }, 0);
});
document.addEventListener("click", (event) => {
  if (!event.target.closest("input, select, textarea, button, a, label, summary")) focusScan();
});

function chooseSessionFirst() {
  verdict.show({ kind: "bad", title: t("Choose the session first."), detail: "" });
  sessionSelect.focus();
}

// -- name search ------------------------------------------------------------------------------

const search = mountSearch({
  socket, input: $("search"), status: $("search-status"), list: $("search-results"),
  entering: () => settings.mode === "entry",
  onPick(person) {
    if (settings.mode === "entry") {
      if (!settings.session) return chooseSessionFirst();
      send("entry.scan", { badge: person.badge, session: settings.session }, person.name);
    } else {
      send("checkin.manual", { registration: person.id }, person.name);
    }
    search.clear();
  },
});

// -- mode: venue check-in or session entry -----------------------------------------------------

function loadSettings() {
  try {
    const saved = JSON.parse(localStorage.getItem(SETTINGS_KEY) || "{}");
    return { mode: saved.mode === "entry" ? "entry" : "venue", session: saved.session || "" };
  } catch {
    return { mode: "venue", session: "" };
  }
}

function saveSettings() {
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
}

function showMode() {
  const entering = settings.mode === "entry";
  for (const radio of document.querySelectorAll("input[name=mode]")) radio.checked = radio.value === settings.mode;
  $("entry-pick").hidden = !entering;
  $("count-room-box").hidden = !entering || !settings.session;
  $("scan-submit").textContent = entering ? t("Let in") : t("Check in");
  showInside();
  search.refresh();
}

for (const radio of document.querySelectorAll("input[name=mode]")) {
  radio.addEventListener("change", () => {
    settings.mode = radio.value;
    saveSettings();
    showMode();
    if (settings.mode === "entry" && !settings.session) sessionSelect.focus();
    else focusScan();
  });
}

sessionSelect.addEventListener("change", () => {
  settings.session = sessionSelect.value;
  saveSettings();
  showMode();
  focusScan();
});

// Today's sessions (in the event's zone) in rooms with a door: online rooms have none.
function fillSessions() {
  const today = day(socket.now);
  const list = [...sessions.values()]
    .filter((s) => day(s.start) === today && s.status !== "cancelled"
      && (rooms.get(s.room) || {}).kind !== "online")
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const placeholder = new Option(list.length ? t("Choose a session") : t("No sessions today"), "");
  const options = list.map((s) => {
    const room = rooms.get(s.room);
    return new Option(`${clock(s.start)} · ${localized(s.title)} · ${room ? localized(room.name) : s.room}`, s.id);
  });
  sessionSelect.replaceChildren(placeholder, ...options);
  if (!list.some((s) => s.id === settings.session)) settings.session = "";
  sessionSelect.value = settings.session;
  showMode();
}

function noteInside(session, count, capacity) {
  inside.set(session, { count, capacity });
  showInside();
}

function capacityOf(session) {
  const room = rooms.get((sessions.get(session) || {}).room);
  return room && room.kind !== "online" ? room.capacity : null;
}

function showInside() {
  const session = settings.session;
  if (settings.mode !== "entry" || !session) return;
  // The hello snapshot counts every session's entries: a session missing there has none.
  const known = inside.get(session) || { count: 0, capacity: capacityOf(session) };
  const count = String(known.count);
  $("count-room").textContent = known.capacity ? `${count} / ${known.capacity}` : count;
}

// -- counters and the event ----------------------------------------------------------------------

function setCounts(counts) {
  $("count-in").textContent = String(counts.checked_in);
  $("count-registered").textContent = String(counts.registered);
}

function loadProgramme(programme) {
  sessions.clear();
  rooms.clear();
  for (const session of programme.sessions) sessions.set(session.id, session);
  for (const room of programme.rooms) rooms.set(room.id, room);
  fillSessions();
}

socket.addEventListener("snapshot", (event) => {
  const snapshot = event.detail;
  me = snapshot.me;
  announcements.reset(snapshot.announcements);
  loadProgramme(snapshot.programme);
  if (snapshot.attendance) {
    setCounts(snapshot.attendance);
    recent.reset(snapshot.attendance.recent.map(checkinLine));
    inside.clear();
    for (const [session, count] of Object.entries(snapshot.attendance.entries || {})) {
      inside.set(session, { count, capacity: capacityOf(session) });
    }
    showInside();
  }
});
socket.addEventListener("schedule.loaded", (event) => loadProgramme(event.detail.programme));
socket.addEventListener("session.changed", (event) => {
  for (const session of event.detail.sessions) sessions.set(session.id, session);
  fillSessions();
});
socket.addEventListener("checkin.recorded", (event) => {
  const checkin = event.detail;
  setCounts(checkin.counts);
  recent.checkedIn(checkinLine(checkin));
  search.checkedIn(checkin.registration.id, checkin.at);
});
socket.addEventListener("checkin.undone", (event) => {
  setCounts(event.detail.counts);
  recent.undone(event.detail.registration.id);
  search.undone(event.detail.registration.id);
});
socket.addEventListener("attendance.registered", (event) => setCounts(event.detail.counts));
socket.addEventListener("entry.recorded", (event) => {
  const entry = event.detail;
  noteInside(entry.session, entry.count, entry.capacity);
});

recent.render();
showMode();
showQueue();
focusScan();
socket.connect();
