// A live list of announcements, shared by the attendee, kiosk and stage pages.

import { clock, t } from "./i18n.js";

export class AnnouncementList {
  constructor(element, socket, { withdraw = null } = {}) {
    this.element = element;
    this.socket = socket;
    this.withdraw = withdraw;
    this.items = new Map();
    socket.addEventListener("announcement.posted", (e) => this.add(e.detail.announcement));
    socket.addEventListener("announcement.withdrawn", (e) => this.remove(e.detail.id));
    setInterval(() => this.render(), 15_000);
  }

  reset(announcements) {
    this.items = new Map(announcements.map((a) => [a.id, a]));
    this.render();
  }

  add(announcement) {
    this.items.set(announcement.id, announcement);
    this.render();
  }

  remove(id) {
    this.items.delete(id);
    this.render();
  }

  render() {
    const now = this.socket.now / 1000;
    const live = [...this.items.values()]
      .filter((a) => !a.expires_at || a.expires_at > now)
      .sort((a, b) => b.posted_at - a.posted_at);
    this.element.replaceChildren(...live.map((a) => this.item(a)));
    if (!live.length) {
      const empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = t("No announcements.");
      this.element.append(empty);
    }
  }

  item(announcement) {
    const li = document.createElement("li");
    li.dataset.id = announcement.id;
    const time = document.createElement("time");
    time.dateTime = new Date(announcement.posted_at * 1000).toISOString();
    time.textContent = clock(announcement.posted_at * 1000);
    const text = document.createElement("p");
    text.textContent = announcement.text;
    li.append(time, text);
    if (announcement.expires_at) {
      const expiry = document.createElement("small");
      expiry.textContent = t("Expires {time}", { time: clock(announcement.expires_at * 1000) });
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
