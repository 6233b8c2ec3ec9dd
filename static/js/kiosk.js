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
import { Roster } from "./kiosk_roster.js";
import { mountSearch } from "./kiosk_search.js";

const SCANS = new Set(["checkin.scan", "checkin.manual", "checkout.scan", "entry.scan", "exit.scan"]);
const MODES = ["venue", "checkout", "entry", "exit"];
const AT_DOOR = new Set(["entry", "exit"]); // modes that need a session
// Refusals staff may overrule at the door (docs/protocol.md, entry.scan).
const FORCIBLE = new Set(["entry.full", "entry.online-room", "entry.not-yet", "entry.other-day"]);
const REPEAT_MS = 2000; // a scanner that reads one badge twice
const SETTINGS_KEY = "rencontre.kiosk.mode";

const $ = (id) => document.getElementById(id);
const socket = new KioskSocket({ hello: { lang }, storageKey: "rencontre.kiosk.queue" });
const roster = new Roster(socket);
const verdict = new VerdictPanel($("verdict"));
const recent = new RecentList($("recent"), t("No check-ins yet."));
const announcements = new AnnouncementList($("announcements"), socket);
const scanForm = $("scan-form");
const scanInput = $("scan");
const sessionSelect = $("entry-session");
const sessions = new Map();
const rooms = new Map();
const inside = new Map(); // session -> {inside, capacity, online, near, full}, from answers and pushes
let me = null;
let settings = loadSettings();
let lastScan = { code: "", at: -Infinity };
let keys = 0;

showConnection(socket, $("conn"), { unavailable: false }); // the verdict says "saved"

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

// An offline scan that synced late but was made first: the verdict says it won.
function earlier(result) {
  const other = result.replaced;
  return other ? t("Scanned first (offline): counts before {device}'s scan at {time}",
                   { device: other.device, time: clock((other.offline_at || other.at) * 1000) }) : "";
}

function answered(type, data, result) {
  const person = result.registration;
  const line = { name: person.name, at: now() };
  if (type === "entry.scan") {
    noteInside(data.session, { inside: result.count, capacity: result.capacity });
    const text = t("Entered: {session}", { session: sessionTitle(data.session) });
    if (result.verdict === "entered") {
      const detail = [text, earlier(result)].filter(Boolean).join(" · ");
      return { ...line, kind: "ok", title: t("Welcome, {name}", { name: person.name }), detail, text: detail };
    }
    const already = t("Already in: {session}", { session: sessionTitle(data.session) });
    return { ...line, kind: "warn", title: already, detail: person.name, text: already };
  }
  if (type === "exit.scan") {
    noteInside(data.session, { inside: result.count, capacity: result.capacity });
    if (result.verdict === "left") {
      const text = t("Left: {session}", { session: sessionTitle(data.session) });
      return { ...line, kind: "ok", title: t("Goodbye, {name}", { name: person.name }), detail: text, text };
    }
    const text = t("Was not inside: {session}", { session: sessionTitle(data.session) });
    return { ...line, kind: "warn", title: text, detail: person.name, text };
  }
  if (type === "checkout.scan") {
    const text = result.left
      ? t("Left the venue and {session}", { session: sessionTitle(result.left) })
      : t("Left the venue");
    return { ...line, kind: "ok", title: t("Goodbye, {name}", { name: person.name }), detail: text, text };
  }
  if (result.verdict === "checked-in") {
    const checkin = { registration: person, at: now(), device: me ? me.name : "",
                      offline_at: data.offline_at || null };
    const detail = [where(person), earlier(result)].filter(Boolean).join(" · ");
    return { ...checkinLine(checkin), title: t("Welcome, {name}", { name: person.name }), detail };
  }
  const first = result.first || {};
  const title = t("Already checked in at {time} by {device}",
                  { time: clock((first.offline_at || first.at) * 1000), device: first.device });
  return { ...line, kind: "warn", title, detail: [person.name, where(person)].filter(Boolean).join(" · "),
           text: title };
}

function refused(type, label, error, data) {
  let title = t("Not checked in");
  if (type === "entry.scan") title = t("Not let in");
  if (type === "exit.scan" || type === "checkout.scan") title = t("Not scanned out");
  if (error.code === "checkin.unknown-badge") title = t("Unknown badge");
  if (error.code === "entry.full") title = t("Room full");
  const outcome = { kind: "bad", title, detail: error.message, name: label, text: error.message, at: now() };
  // Staff may overrule a door's refusal: the verdict offers to let the person in anyway.
  if (type === "entry.scan" && FORCIBLE.has(error.code)) {
    outcome.force = () => send(type, { ...data, offline_at: undefined, force: true }, label);
  }
  return outcome;
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
  // Offline, a badge this kiosk's list does not know is refused here and now, as the
  // server would (the list is fetched again at every reconnect and registration).
  if (offline && data.badge && roster.size && !roster.has(data.badge)) {
    const text = t("Badge {badge} is not registered.", { badge: data.badge });
    const line = { kind: "bad", title: t("Unknown badge"), detail: text, name: label, text, at: now() };
    recent.pending(`u${++keys}`, line);
    verdict.show(line);
    focusScan();
    return;
  }
  const known = offline && data.badge ? roster.person(data.badge) : null;
  if (known) label = known.name;
  if (offline) data.offline_at = Math.floor(now());
  const key = `k${++keys}`;
  const line = waiting(offline, label);
  recent.pending(key, line);
  showForce(null);
  verdict.show(line, key);
  follow(socket.call(type, data), key, type, data, label);
  showQueue();
  focusScan();
}

function follow(promise, key, type, data, label) {
  promise.then((result) => settle(key, answered(type, data, result)),
               (error) => settle(key, refused(type, label, error, data)));
}

let forcing = null; // what "Let in anyway" does for the verdict on show
$("force").addEventListener("click", () => {
  const action = forcing;
  showForce(null);
  if (action) action();
});

function showForce(action) {
  forcing = action;
  $("force").hidden = !action;
}

function settle(key, outcome) {
  const { force, ...line } = outcome;
  recent.settle(key, line);
  if (verdict.key === key) showForce(force || null);
  verdict.settle(key, line);
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
  item.reject = (error) => settle(key, refused(type, label, error, data));
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

// Lines sent but unanswered: they wait in the queue now.
function showSaved(text = saved()) {
  for (const item of recent.items) {
    if (item.kind === "busy") Object.assign(item, { kind: "saved", text });
  }
  recent.render();
  if ($("verdict").dataset.kind === "busy") {
    verdict.show({ kind: "saved", title: text, detail: verdict.detail.textContent }, verdict.key);
  }
}

socket.addEventListener("state", () => {
  showQueue();
  if (!socket.online) showSaved();
});

// The server could not save a scan now (its disk, its Redis): the scan stays queued and
// is sent again with its id, like one made offline, and stamped with the time it was
// scanned so that the earliest scan still wins.
socket.addEventListener("unavailable", ({ detail: item }) => {
  const { type, data } = item.message;
  if (!SCANS.has(type)) return;
  if (!data.offline_at) data.offline_at = Math.floor((item.at || socket.now) / 1000);
  socket.saveQueue();
  showQueue();
  showSaved(t("Saved — will be sent again when the server can take it"));
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
  scanned(code, code);
});

// A badge read in this kiosk's mode.
function scanned(badge, label) {
  if (AT_DOOR.has(settings.mode)) {
    if (!settings.session) return chooseSessionFirst();
    send(`${settings.mode}.scan`, { badge, session: settings.session }, label);
  } else if (settings.mode === "checkout") {
    send("checkout.scan", { badge }, label);
  } else {
    send("checkin.scan", { badge }, label);
  }
}

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
  socket, roster, input: $("search"), status: $("search-status"), list: $("search-results"),
  action: () => ({ checkout: t("Check out"), entry: t("Let in"), exit: t("Scan out") })[settings.mode] || null,
  onPick(person) {
    if (settings.mode === "venue") send("checkin.manual", { registration: person.id }, person.name);
    else scanned(person.badge, person.name);
    search.clear();
  },
});

// -- mode: venue check-in or session entry -----------------------------------------------------

function loadSettings() {
  try {
    const saved = JSON.parse(localStorage.getItem(SETTINGS_KEY) || "{}");
    return { mode: MODES.includes(saved.mode) ? saved.mode : "venue", session: saved.session || "" };
  } catch {
    return { mode: "venue", session: "" };
  }
}

function saveSettings() {
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
}

function showMode() {
  const door = AT_DOOR.has(settings.mode);
  for (const radio of document.querySelectorAll("input[name=mode]")) radio.checked = radio.value === settings.mode;
  $("entry-pick").hidden = !door;
  $("count-room-box").hidden = !door || !settings.session;
  $("count-online-box").hidden = !door || !settings.session;
  $("scan-submit").textContent = { venue: t("Check in"), checkout: t("Check out"),
                                   entry: t("Let in"), exit: t("Scan out") }[settings.mode];
  showInside();
  search.refresh();
}

for (const radio of document.querySelectorAll("input[name=mode]")) {
  radio.addEventListener("change", () => {
    settings.mode = radio.value;
    saveSettings();
    showMode();
    if (AT_DOOR.has(settings.mode) && !settings.session) sessionSelect.focus();
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

function noteInside(session, counts) {
  inside.set(session, { ...(inside.get(session) || {}), ...counts });
  showInside();
}

function capacityOf(session) {
  const room = rooms.get((sessions.get(session) || {}).room);
  return room && room.kind !== "online" ? room.capacity : null;
}

const NEAR = 0.9; // as the server's warning (attendance/ledger.py)

function showInside() {
  const session = settings.session;
  const warning = $("capacity-warning");
  warning.hidden = true;
  if (!AT_DOOR.has(settings.mode) || !session) return;
  // The hello snapshot has every session someone is in: a session missing there has nobody.
  const known = { inside: 0, online: 0, capacity: capacityOf(session), ...(inside.get(session) || {}) };
  const count = String(known.inside);
  $("count-room").textContent = known.capacity ? `${count} / ${known.capacity}` : count;
  $("count-online").textContent = String(known.online);
  if (known.capacity && known.inside >= NEAR * known.capacity) {
    const full = known.inside >= known.capacity;
    warning.textContent = full
      ? t("The room is full: {count} / {capacity}", { count: known.inside, capacity: known.capacity })
      : t("Nearly full: {count} / {capacity}", { count: known.inside, capacity: known.capacity });
    warning.classList.toggle("full", full);
    warning.hidden = false;
  }
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
  if (!me || me.role !== "kiosk") roster.clear();
  else refreshRoster();
  announcements.reset(snapshot.announcements);
  loadProgramme(snapshot.programme);
  if (snapshot.attendance) {
    setCounts(snapshot.attendance);
    recent.reset(snapshot.attendance.recent.map(checkinLine));
    inside.clear();
    for (const [session, counts] of Object.entries(snapshot.attendance.occupancy || {})) {
      inside.set(session, counts);
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
  roster.checkedIn(checkin.registration.id, checkin.at);
  setCounts(checkin.counts);
  recent.checkedIn(checkinLine(checkin));
  search.checkedIn(checkin.registration.id, checkin.at);
});
socket.addEventListener("checkin.undone", (event) => {
  setCounts(event.detail.counts);
  recent.undone(event.detail.registration.id);
  search.undone(event.detail.registration.id);
});
socket.addEventListener("attendance.registered", (event) => {
  setCounts(event.detail.counts);
  refreshRoster();
});
// Unpaired: the organisers revoked this kiosk, or its token no longer works.
socket.addEventListener("access.revoked", () => roster.clear());
socket.addEventListener("failed", (event) => {
  if (event.detail && String(event.detail.code || "").startsWith("auth.")) roster.clear();
});

function refreshRoster() {
  roster.refresh().catch(() => {}); // kept as it was; tried again at the next reconnect
}
socket.addEventListener("occupancy.changed", (event) => {
  for (const [session, counts] of Object.entries(event.detail.occupancy)) noteInside(session, counts);
});

recent.render();
showMode();
showQueue();
focusScan();
socket.connect();
