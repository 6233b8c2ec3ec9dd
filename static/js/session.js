// A session's page: kept current from the snapshot and the pushes (time, room, status, star).

import {
  AgendaStore, ChangeBanner, badges, errorText, languageName, starButton, timeRanges,
} from "./agenda.js";
import { day, eventPlace, localized, showConnection, t } from "./i18n.js";
import { mountAnnouncements } from "./announcements.js";
import { Socket } from "./socket.js";
import { watchOf } from "./streams.js";

const article = document.getElementById("session-page");
const id = article.dataset.session;
const socket = new Socket();
const store = new AgendaStore(socket);
const banner = new ChangeBanner();
// The event's announcements and this session's room's: the room is watched, not joined,
// so that reading about a session does not count as attending it.
mountAnnouncements(socket, { accept: (a) => !a.room || a.room === id });
socket.follow(id, { watch: true });

showConnection(socket, document.getElementById("conn"));
if (article.dataset.color) article.style.setProperty("--track", article.dataset.color);

store.addEventListener("update", (e) => {
  const { reason, sessions, text } = e.detail;
  if (reason === "changed" && sessions.some((s) => s.id === id)) banner.show(text);
  if (reason === "loaded") banner.show(text);
  render();
});

function render() {
  const session = store.sessions.get(id);
  if (!session) {
    banner.show(t("This session is no longer on the programme."));
    return;
  }
  article.className = `session-page status-${session.status}`;
  const title = localized(session.title);
  document.getElementById("s-title").textContent = title;
  document.getElementById("s-badges").replaceChildren(statusBadge(session), badges(session, store));
  const when = document.getElementById("s-when");
  const { here, there } = timeRanges(session);
  const time = document.createElement("time");
  time.dateTime = session.start;
  time.textContent = `${day(session.start)} · ${t("{time} in {place}", { time: here, place: eventPlace })}`;
  const parts = [time];
  if (there) {
    const mine = document.createElement("span");
    mine.className = "yours";
    mine.textContent = ` · ${there}`;
    parts.push(mine);
  }
  when.replaceChildren(...parts);
  document.getElementById("s-room").textContent = store.roomName(session.room);
  renderWatch(session);
  const track = store.tracks.get(session.track);
  const trackEl = document.getElementById("s-track");
  if (track && trackEl) {
    trackEl.textContent = localized(track.name);
    article.style.setProperty("--track", track.color);
  }
  document.getElementById("s-lang").textContent = languageName(session.language);
  const star = document.getElementById("s-star");
  if (store.me) {
    const button = starButton(session, store, (error) => banner.show(errorText(error)));
    button.append(" ", store.starred.has(id) ? t("In my agenda") : t("Add to my agenda"));
    star.replaceChildren(button);
  } else {
    star.replaceChildren();
  }
}

// The live page when the session (or its room) streams; captions; the replay once ended.
function renderWatch(session) {
  const watch = watchOf(session, store.rooms.get(session.room));
  const links = [];
  const link = (href, text, external) => {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (external) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    }
    if (links.length) links.push(" · ");
    links.push(a);
  };
  if (watch.channels.length) link(`/live/${encodeURIComponent(session.id)}`, t("Watch online"));
  if (watch.captions) link(watch.captions, t("Live captions"), true);
  if (watch.replay && session.status === "ended") link(watch.replay, t("Replay"), true);
  const dd = document.getElementById("s-watch");
  dd.replaceChildren(...links);
  dd.hidden = !links.length;
  document.getElementById("s-watch-label").hidden = !links.length;
}

// "Scheduled" (or "Delayed" without minutes) when the other badges say nothing of the status.
function statusBadge(session) {
  if (session.status !== "scheduled" && !(session.status === "delayed" && !session.delay)) {
    return "";
  }
  const badge = document.createElement("span");
  badge.className = `badge badge-${session.status}`;
  badge.textContent = session.status === "delayed" ? t("Delayed") : t("Scheduled");
  return badge;
}

socket.connect();
