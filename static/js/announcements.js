// A live list of announcements, shared by the attendee, live, agenda, session, kiosk and
// staff pages.
//
// Each reader sees the text in their language, else English, else the one given. New
// arrivals are said once in ``announcer`` (a role="status" region): the list itself is
// not a live region, so that a redraw is never read out again.

import { bothClocks, lang, t } from "./i18n.js";

export const LANGUAGE_NAMES = { fr: "Français", es: "Español", en: "English" };

// The text of an announcement for this page's reader, and its language (null: unknown).
export function announcementText(announcement) {
  const texts = announcement.texts || {};
  for (const code of [lang, "en", ...Object.keys(texts)]) {
    if (texts[code]) return { text: texts[code], lang: code };
  }
  return { text: announcement.text, lang: null };
}

// The page's announcements section (server/templates/_announcements.html), folded away while
// it has nothing to say, unless ``keep``.
export function mountAnnouncements(socket, { accept = () => true, keep = false } = {}) {
  const section = document.getElementById("ann-section");
  const list = new AnnouncementList(document.getElementById("announcements"), socket, {
    accept, announcer: document.getElementById("ann-news"),
  });
  if (!keep) {
    section.hidden = true;
    list.element.addEventListener("rendered", (e) => { section.hidden = !e.detail.length; });
  }
  socket.addEventListener("snapshot", (e) => list.reset(e.detail.announcements, null));
  socket.addEventListener("room", (e) => list.reset(e.detail.announcements, e.detail.room));
  return list;
}

export class AnnouncementList {
  // ``accept(announcement)``: whether this page shows it (default: all it receives);
  // ``staff``: show every language and a withdraw button calling ``withdraw``.
  constructor(element, socket, { withdraw = null, accept = () => true, announcer = null } = {}) {
    this.element = element;
    this.socket = socket;
    this.withdraw = withdraw;
    this.accept = accept;
    this.announcer = announcer;
    this.items = new Map();
    this.shown = "";
    socket.addEventListener("announcement.posted", (e) => this.add(e.detail.announcement));
    socket.addEventListener("announcement.withdrawn", (e) => this.remove(e.detail.id));
    setInterval(() => this.render(), 15_000); // expiries
  }

  // Replace what is known of ``room`` (null: event-wide; undefined: everything) by ``list``.
  reset(announcements, room = undefined) {
    for (const [id, item] of this.items) {
      if (room === undefined || item.room === room) this.items.delete(id);
    }
    for (const announcement of announcements) {
      if (this.accept(announcement)) this.items.set(announcement.id, announcement);
    }
    this.render();
  }

  add(announcement) {
    if (!this.accept(announcement)) return;
    this.items.set(announcement.id, announcement);
    this.render();
    this.say(t("Announcement: {text}", { text: announcementText(announcement).text }));
  }

  remove(id) {
    if (this.items.delete(id)) this.render();
  }

  say(text) {
    if (!this.announcer) return;
    this.announcer.textContent = text;
    clearTimeout(this.quiet);
    this.quiet = setTimeout(() => { this.announcer.textContent = ""; }, 10_000);
  }

  // Newest first, without the expired ones.
  get live() {
    const now = this.socket.now / 1000;
    return [...this.items.values()]
      .filter((a) => !a.expires_at || a.expires_at > now)
      .sort((a, b) => b.posted_at - a.posted_at);
  }

  render() {
    const live = this.live;
    const key = live.map((a) => a.id).join(",");
    if (key === this.shown && live.length) return; // nothing came or went
    this.shown = key;
    this.element.replaceChildren(...live.map((a) => this.item(a)));
    if (!live.length) {
      const empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = t("No announcements.");
      this.element.append(empty);
    }
    this.element.dispatchEvent(new CustomEvent("rendered", { detail: live }));
  }

  item(announcement) {
    const li = document.createElement("li");
    li.dataset.id = announcement.id;
    if (announcement.room) li.dataset.room = announcement.room;
    const time = document.createElement("time");
    time.dateTime = new Date(announcement.posted_at * 1000).toISOString();
    time.textContent = bothClocks(announcement.posted_at * 1000);
    li.append(time);
    const texts = announcement.texts || {};
    if (this.withdraw && Object.keys(texts).length > 1) {
      // Staff see every language they wrote.
      for (const [code, text] of Object.entries(texts)) {
        const p = document.createElement("p");
        p.lang = code;
        const tag = document.createElement("span");
        tag.className = "lang-tag";
        tag.textContent = code.toUpperCase();
        p.append(tag, " ", text);
        li.append(p);
      }
    } else {
      const { text, lang: code } = announcementText(announcement);
      const p = document.createElement("p");
      p.textContent = text;
      if (code) p.lang = code;
      li.append(p);
    }
    if (announcement.expires_at) {
      const expiry = document.createElement("small");
      expiry.textContent = t("Expires {time}", { time: bothClocks(announcement.expires_at * 1000) });
      li.append(expiry);
    }
    if (this.withdraw) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = t("Withdraw");
      button.addEventListener("click", () => this.withdraw(announcement));
      li.append(button);
    }
    return li;
  }
}
