// Control panel: live changes to a session (start, end, delay, move, cancel, restore, edit).
//
// The server refuses a change that would put two sessions in one room at once, or a
// speaker in two places, naming the session in the way; "Force" sends it again anyway.

import {
  AgendaStore, badges, dayKey, dayLabel, describeChange, eventDays, timeRanges, utcToZoned,
  zonedToUtc,
} from "./agenda.js";
import { clock, localized, t, tn } from "./i18n.js";
import { Socket } from "./socket.js";

const socket = new Socket();
const store = new AgendaStore(socket);
const daySelect = document.getElementById("sp-day");
const sessionSelect = document.getElementById("sp-session");
const current = document.getElementById("sp-current");
const status = document.getElementById("sp-status");
const force = document.getElementById("sp-force");
const roomSelect = document.getElementById("sp-room");
const delayForm = document.getElementById("sp-delay");
const moveForm = document.getElementById("sp-move");
const editForm = document.getElementById("sp-edit");
const LANGS = ["fr", "es", "en"];
let editing = null; // the session whose values fill the edit form

store.addEventListener("update", (e) => {
  const { reason, text } = e.detail;
  fillDays();
  fillSessions();
  fillRooms();
  showCurrent();
  if (reason === "changed" && text) say(text, "ok");
});

daySelect.addEventListener("change", () => {
  fillSessions();
  showCurrent();
});
sessionSelect.addEventListener("change", () => {
  showCurrent();
  say("");
});

function say(text, kind = "") {
  status.textContent = text;
  status.className = `sp-status ${kind}`;
}

function selected() {
  return store.sessions.get(sessionSelect.value) || null;
}

function fillDays() {
  const keep = daySelect.value;
  const days = eventDays(store);
  daySelect.replaceChildren(...days.map((key, index) => {
    const option = document.createElement("option");
    option.value = key;
    option.textContent = `${t("Day {number}", { number: index + 1 })} · ${dayLabel(key)}`;
    return option;
  }));
  const today = dayKey(socket.now);
  daySelect.value = days.includes(keep) ? keep : days.includes(today) ? today : days[0] || "";
}

function fillSessions() {
  const keep = sessionSelect.value;
  const sessions = store.ordered().filter((s) => dayKey(s.start) === daySelect.value);
  sessionSelect.replaceChildren(...sessions.map((session) => {
    const option = document.createElement("option");
    option.value = session.id;
    const state = session.status === "scheduled" ? "" : ` [${statusWord(session)}]`;
    option.textContent = `${clock(session.start)} · ${store.roomName(session.room)} · ` +
      `${localized(session.title)}${state}`;
    return option;
  }));
  if (sessions.some((s) => s.id === keep)) sessionSelect.value = keep;
}

function statusWord(session) {
  switch (session.status) {
    case "live": return t("Live");
    case "delayed": return t("Delayed");
    case "cancelled": return t("Cancelled");
    case "ended": return t("Ended");
    default: return t("Scheduled");
  }
}

function fillRooms() {
  const keep = roomSelect.value;
  roomSelect.replaceChildren(...store.orderedRooms().map((room) => {
    const option = document.createElement("option");
    option.value = room.id;
    option.textContent = localized(room.name);
    return option;
  }));
  if (store.rooms.has(keep)) roomSelect.value = keep;
}

function showCurrent() {
  const session = selected();
  if (!session) {
    current.replaceChildren(t("No sessions on this day."));
    return;
  }
  const title = document.createElement("h3");
  title.textContent = localized(session.title);
  const when = document.createElement("p");
  const { here, there } = timeRanges(session);
  when.textContent = `${here}${there ? ` (${there})` : ""} · ` +
    `${store.roomName(session.room)} · ${statusWord(session)}`;
  const line = document.createElement("p");
  line.append(badges(session, store));
  current.replaceChildren(title, when, line);
  for (const button of document.querySelectorAll("#sessions-panel [data-command]")) {
    const command = button.dataset.command;
    button.disabled =
      (command === "session.start" && ["live", "cancelled"].includes(session.status)) ||
      (command === "session.end" && ["ended", "cancelled"].includes(session.status)) ||
      (command === "session.cancel" && session.status === "cancelled") ||
      (command === "session.restore" && session.status !== "cancelled");
  }
  if (editing !== session.id || !editForm.contains(document.activeElement)) fillEdit(session);
  if (roomSelect.value === session.room) {
    const other = store.orderedRooms().find((r) => r.id !== session.room);
    if (other) roomSelect.value = other.id;
  }
}

function fillEdit(session) {
  editing = session.id;
  for (const code of LANGS) editForm.elements[`title_${code}`].value = session.title[code] || "";
  editForm.start.value = utcToZoned(session.start);
  editForm.end.value = utcToZoned(session.end);
}

// Send a change; explain a conflict by naming the session in the way.
async function send(type, data) {
  const session = selected();
  if (!session) return;
  const payload = { session: session.id, ...data };
  if (force.checked && type !== "session.start" && type !== "session.end" &&
      type !== "session.cancel") payload.force = true;
  say(t("Sending…"));
  try {
    await socket.call(type, payload);
    const change = store.changes[store.changes.length - 1];
    say(change && change.session === session.id ? describeChange(change, store) : t("Done."),
      "ok");
    force.checked = false;
  } catch (error) {
    say(explain(error), "error");
  }
}

function explain(error) {
  const params = error.params || {};
  if (error.code === "schedule.room-conflict" || error.code === "schedule.speaker-conflict") {
    const other = store.sessions.get(params.other);
    const name = other ? localized(other.title) : params.other;
    const where = other ? `${store.roomName(other.room)}, ${timeRanges(other).here}` : "";
    const text = error.code === "schedule.room-conflict"
      ? t("Refused: it would overlap “{other}” ({where}) in the same room.", { other: name, where })
      : t("Refused: a speaker is also in “{other}” ({where}) at that time.",
        { other: name, where });
    const more = (params.conflicts || []).length > 1
      ? ` ${tn("{count} conflict in all.", "{count} conflicts in all.", params.conflicts.length)}`
      : "";
    return `${text}${more} ${t("Tick “Force” to do it anyway.")}`;
  }
  return t("Error: {message}", { message: error.message });
}

for (const button of document.querySelectorAll("#sessions-panel [data-command]")) {
  button.addEventListener("click", () => {
    const session = selected();
    if (button.dataset.command === "session.cancel" && session &&
        !window.confirm(t("Cancel “{title}”?", { title: localized(session.title) }))) return;
    send(button.dataset.command, {});
  });
}

delayForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const minutes = Number(delayForm.minutes.value);
  if (!Number.isInteger(minutes) || minutes === 0) {
    say(t("Enter a number of minutes other than 0."), "error");
    return;
  }
  const data = { minutes };
  if (delayForm.shift.checked) data.shift_following = true;
  send("session.delay", data);
});

moveForm.addEventListener("submit", (e) => {
  e.preventDefault();
  send("session.move", { room: roomSelect.value });
});

editForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const session = selected();
  if (!session) return;
  const data = {};
  const title = {};
  for (const code of LANGS) {
    const value = editForm.elements[`title_${code}`].value.trim();
    if (value) title[code] = value;
  }
  const changedTitle = LANGS.some((code) => (title[code] || "") !== (session.title[code] || ""));
  if (changedTitle) {
    if (!Object.keys(title).length) {
      say(t("A session needs a title in at least one language."), "error");
      return;
    }
    data.title = title;
  }
  const start = zonedToUtc(editForm.start.value);
  const end = zonedToUtc(editForm.end.value);
  if (Date.parse(start) !== Date.parse(session.start)) data.start = start;
  if (Date.parse(end) !== Date.parse(session.end)) data.end = end;
  if (!Object.keys(data).length) {
    say(t("Nothing to save: change a title or a time first."));
    return;
  }
  editing = null;
  send("session.edit", data);
});

socket.connect();
