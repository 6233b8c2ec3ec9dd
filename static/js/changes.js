// The public change log, newest first: what changed since you last looked.
//
// The seq of the newest change seen is kept in localStorage (per event); changes
// after it are marked new for this visit, and the mark moves on as you look.

import { AgendaStore, describeChange } from "./agenda.js";
import { bothClocks, day, showConnection, t, tn } from "./i18n.js";
import { Socket } from "./socket.js";

const socket = new Socket();
const store = new AgendaStore(socket);
const log = document.getElementById("change-log");
const since = document.getElementById("since");
let lastSeen = null; // as it was when this page opened

showConnection(socket, document.getElementById("conn"));

function storageKey() {
  return `rencontre.changes.seen.${store.event ? store.event.slug : ""}`;
}

store.addEventListener("update", () => {
  if (!store.event) return;
  if (lastSeen === null) {
    const stored = localStorage.getItem(storageKey());
    lastSeen = stored === null ? -1 : Number(stored);
  }
  render();
  const newest = store.changes.length ? store.changes[store.changes.length - 1].seq : 0;
  localStorage.setItem(storageKey(), String(Math.max(newest, lastSeen)));
});

function render() {
  const changes = [...store.changes].reverse();
  const fresh = changes.filter((c) => c.seq > lastSeen);
  if (!changes.length) {
    since.textContent = "";
    const empty = document.createElement("li");
    empty.className = "empty";
    empty.textContent = t("No changes so far: the programme is as published.");
    log.replaceChildren(empty);
    return;
  }
  if (lastSeen < 0) since.textContent = t("First visit: every change is listed.");
  else if (fresh.length) since.textContent = tn("{count} change since you last looked.",
    "{count} changes since you last looked.", fresh.length);
  else since.textContent = t("Nothing new since you last looked.");
  log.replaceChildren(...changes.map((change) => {
    const li = document.createElement("li");
    li.dataset.seq = change.seq;
    const isNew = change.seq > lastSeen && lastSeen >= 0;
    if (isNew) {
      li.className = "new";
      const mark = document.createElement("span");
      mark.className = "new-mark";
      mark.textContent = t("New");
      li.append(mark);
    }
    const time = document.createElement("time");
    const at = change.at * 1000;
    time.dateTime = new Date(at).toISOString();
    time.textContent = `${day(at)} · ${bothClocks(at)}`;
    const text = document.createElement("p");
    text.textContent = describeChange(change, store, { live: false });
    li.append(time, text);
    if (store.sessions.has(change.session)) {
      const link = document.createElement("a");
      link.href = `/sessions/${encodeURIComponent(change.session)}`;
      link.textContent = t("See the session");
      li.append(link);
    }
    return li;
  }));
}

socket.connect();
