// Stage display for one room: the session on now (or next) and its announcements.

import { bothClocks, localized, showConnection } from "./i18n.js";
import { Socket } from "./socket.js";

const roomId = document.querySelector("[data-room]").dataset.room;
const title = document.getElementById("stage-title");
const body = document.getElementById("stage-body");
const socket = new Socket();
let programme = null;
let joined = null;

showConnection(socket, document.getElementById("conn"));

function currentSession() {
  const now = socket.now;
  const sessions = programme.sessions.filter((s) => s.room === roomId && s.status !== "cancelled");
  return sessions.find((s) => s.status === "live" ||
      (s.status !== "ended" && Date.parse(s.start) <= now && now < Date.parse(s.end)))
    || sessions.find((s) => Date.parse(s.start) >= now) || null;
}

async function follow() {
  if (!programme) return;
  const session = currentSession();
  title.textContent = session ? localized(session.title) : "";
  if (!session || session.id === joined) return;
  if (joined) socket.leave(joined);
  joined = session.id;
  const snapshot = await socket.join(session.id);
  showAnnouncements(snapshot.announcements);
}

function showAnnouncements(list) {
  const now = socket.now / 1000;
  const live = list.filter((a) => !a.expires_at || a.expires_at > now);
  body.replaceChildren(...live.slice(-1).map((a) => {
    const p = document.createElement("p");
    p.className = "stage-announcement";
    p.textContent = a.text;
    return p;
  }));
  const session = currentSession();
  if (session && !live.length) {
    const p = document.createElement("p");
    p.className = "stage-when";
    p.textContent = bothClocks(session.start);
    body.append(p);
  }
}

let roomAnnouncements = [];
socket.addEventListener("snapshot", (event) => {
  programme = event.detail.programme;
  joined = null;
  follow();
});
socket.addEventListener("room", (event) => {
  roomAnnouncements = event.detail.announcements;
  showAnnouncements(roomAnnouncements);
});
socket.addEventListener("announcement.posted", (event) => {
  if (event.detail.room !== joined) return;
  roomAnnouncements = [...roomAnnouncements, event.detail.announcement];
  showAnnouncements(roomAnnouncements);
});
socket.addEventListener("announcement.withdrawn", (event) => {
  roomAnnouncements = roomAnnouncements.filter((a) => a.id !== event.detail.id);
  showAnnouncements(roomAnnouncements);
});
setInterval(follow, 30_000);
socket.connect();
