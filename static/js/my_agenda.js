// My agenda: the starred sessions in order, clashes flagged, and the private calendar feed.

import {
  AgendaStore, ChangeBanner, dayKey, dayLabel, errorText, redrawKeepingFocus, sessionCard,
} from "./agenda.js";
import { lang, localized, showConnection, t, tn } from "./i18n.js";
import { Socket } from "./socket.js";

const socket = new Socket();
const store = new AgendaStore(socket);
const banner = new ChangeBanner();
const list = document.getElementById("my-sessions");
const summary = document.getElementById("clash-summary");

showConnection(socket, document.getElementById("conn"));

store.addEventListener("update", (e) => {
  const { reason, sessions, text } = e.detail;
  if (reason === "changed" && sessions.some((s) => store.starred.has(s.id))) banner.show(text);
  if (reason === "loaded") banner.show(text);
  if (list) redrawKeepingFocus(list, render);
});

// Pairs of starred sessions (not cancelled) that overlap in time.
function clashes(sessions) {
  const found = new Map();
  const live = sessions.filter((s) => s.status !== "cancelled");
  for (const a of live) {
    for (const b of live) {
      if (a === b) continue;
      if (Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end)) {
        if (!found.has(a.id)) found.set(a.id, []);
        found.get(a.id).push(b);
      }
    }
  }
  return found;
}

function render() {
  if (!store.event) return;
  const sessions = store.ordered().filter((s) => store.starred.has(s.id));
  if (!sessions.length) {
    const empty = document.createElement("p");
    empty.className = "empty";
    empty.append(t("You have not starred any session yet."), " ");
    const link = document.createElement("a");
    link.href = "/agenda";
    link.textContent = t("Star sessions in the agenda.");
    empty.append(link);
    list.replaceChildren(empty);
    summary.textContent = "";
    return;
  }
  const clashing = clashes(sessions);
  const parts = [];
  let current = null;
  let ul = null;
  for (const session of sessions) {
    const key = dayKey(session.start);
    if (key !== current) {
      current = key;
      const heading = document.createElement("h3");
      heading.className = "my-day";
      heading.textContent = dayLabel(key);
      ul = document.createElement("ul");
      ul.className = "my-list";
      parts.push(heading, ul);
    }
    const li = document.createElement("li");
    const card = sessionCard(session, store, {
      headingLevel: 4, onError: (error) => banner.show(errorText(error)) });
    const others = clashing.get(session.id);
    if (others) {
      card.classList.add("has-clash");
      const note = document.createElement("p");
      note.className = "clash";
      const titles = others.map((o) => `“${localized(o.title)}”`).join(", ");
      note.textContent = t("Clashes with {titles}", { titles });
      card.append(note);
    }
    li.append(card);
    ul.append(li);
  }
  list.replaceChildren(...parts);
  summary.textContent = clashing.size
    ? tn("{count} of your sessions overlaps another one.",
      "{count} of your sessions overlap another one.", clashing.size)
    : "";
}

// -- the private feed ----------------------------------------------------------------------

const feed = document.getElementById("feed");
if (feed) {
  const address = document.getElementById("feed-address");
  const box = document.getElementById("feed-url");
  const state = document.getElementById("feed-state");
  const status = document.getElementById("feed-status");
  const create = document.getElementById("feed-create");
  const revoke = document.getElementById("feed-revoke");
  const copy = document.getElementById("feed-copy");
  const base = feed.dataset.base || location.origin;

  create.addEventListener("click", async () => {
    if (feed.dataset.on === "true" &&
        !window.confirm(t("Replace the address? The old one stops working."))) return;
    status.textContent = "";
    try {
      const result = await socket.call("agenda.feed-token");
      // The feed keeps the language of the page it was made on: calendar apps send none.
      address.value = `${base}/feeds/${result.principal}.${result.secret}.ics?lang=${lang}`;
      // webcal: opens the calendar app, which subscribes to the same address.
      document.getElementById("feed-webcal").href = address.value.replace(/^https?:/, "webcal:");
      box.hidden = false;
      feed.dataset.on = "true";
      state.textContent = t("Your private feed is on. Copy its address now: it is shown only once.");
      create.textContent = t("Replace the address");
      revoke.hidden = false;
      address.focus();
      address.select();
    } catch (error) {
      status.textContent = errorText(error);
    }
  });

  revoke.addEventListener("click", async () => {
    status.textContent = "";
    try {
      await socket.call("agenda.feed-revoke");
      address.value = "";
      box.hidden = true;
      feed.dataset.on = "false";
      state.textContent = t("Your private feed is off.");
      create.textContent = t("Create my feed address");
      revoke.hidden = true;
      status.textContent = t("The feed is off: its address no longer works.");
    } catch (error) {
      status.textContent = errorText(error);
    }
  });

  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(address.value);
    } catch {
      address.select();
      document.execCommand("copy");
    }
    status.textContent = t("Address copied.");
  });
}

socket.connect();
