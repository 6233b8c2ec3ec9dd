// Attendee home: the event, now and next per room, announcements, live.

import { AnnouncementList } from "./announcements.js";
import { bothClocks, day, localized, showConnection, t } from "./i18n.js";
import { onNow } from "./now.js";
import { Socket } from "./socket.js";

const socket = new Socket();
const announcements = new AnnouncementList(document.getElementById("announcements"), socket, {
  announcer: document.getElementById("ann-news"),
});
const nowNext = document.getElementById("now-next");
let programme = null;

showConnection(socket, document.getElementById("conn"));

socket.addEventListener("snapshot", (event) => {
  programme = event.detail.programme;
  announcements.reset(event.detail.announcements);
  render();
});
socket.addEventListener("session.changed", (event) => {
  if (!programme) return;
  const changed = new Map(event.detail.sessions.map((s) => [s.id, s]));
  programme.sessions = programme.sessions.map((s) => changed.get(s.id) || s);
  render();
});
socket.addEventListener("schedule.loaded", (event) => {
  programme = event.detail.programme;
  render();
});

function sessionLine(label, session) {
  const p = document.createElement("p");
  const strong = document.createElement("strong");
  strong.textContent = `${t(label)} · `;
  p.append(strong);
  if (!session) {
    p.append(t(label === "Now" ? "Nothing now" : "Nothing next"));
    return p;
  }
  const when = document.createElement("span");
  when.className = "when";
  // "Next" may be tomorrow: then the day comes first.
  const sameDay = day(session.start) === day(socket.now);
  when.textContent = sameDay ? bothClocks(session.start) : `${day(session.start)}, ${bothClocks(session.start)}`;
  const title = document.createElement("a");
  title.href = `/sessions/${encodeURIComponent(session.id)}`;
  title.textContent = localized(session.title);
  p.append(when, " ", title);
  if (label === "Now") p.append(" ", joinLink(session));
  return p;
}

// Straight into the session's live page: watch, ask, vote.
function joinLink(session) {
  const link = document.createElement("a");
  link.className = "join-live";
  link.href = `/live/${encodeURIComponent(session.id)}`;
  link.textContent = t("Join live");
  link.setAttribute("aria-label", t("Join live: {title}", { title: localized(session.title) }));
  return link;
}

function render() {
  if (!programme || !programme.event) return;
  const event = programme.event;
  document.getElementById("dates").textContent =
    `${day(event.start_date + "T12:00:00Z")} — ${event.venue}, ${event.city}`;
  const now = socket.now;
  const cards = programme.rooms.map((room) => {
    const sessions = programme.sessions.filter(
      (s) => s.room === room.id && s.status !== "cancelled");
    const current = onNow(sessions, now);
    const upcoming = sessions.find((s) => s !== current && Date.parse(s.start) >= now);
    const card = document.createElement("article");
    card.className = "room";
    const h3 = document.createElement("h3");
    h3.textContent = localized(room.name);
    card.append(h3, sessionLine("Now", current), sessionLine("Next", upcoming));
    return card;
  });
  nowNext.replaceChildren(...cards);
}

setInterval(render, 30_000);
socket.connect();
