// Reactions: the buttons of the live page, the running totals of a room, and the burst the
// stage display (and the live page, for those who follow from afar) draws when they grow.

import { t } from "./i18n.js";
import { errorText } from "./qa.js";

export const KINDS = ["applause", "laugh", "heart", "question"];
export const SYMBOLS = { applause: "👏", laugh: "😂", heart: "❤️", question: "❓" };
const LABELS = {
  applause: "Applause", laugh: "Laugh", heart: "Heart", question: "Question mark",
};
const MOST_AT_ONCE = 24; // floating symbols per kind and push: a crowd is not drawn one by one

export function reactionLabel(kind) {
  return t(LABELS[kind]);
}

// The running totals of one room: ``change`` events carry the growth per kind.
export class ReactionCounts extends EventTarget {
  constructor(socket, room) {
    super();
    this.room = room;
    this.counts = Object.fromEntries(KINDS.map((k) => [k, 0]));
    socket.addEventListener("room", (e) => {
      if (e.detail.room !== this.room || !e.detail.reactions) return;
      this.counts = { ...this.counts, ...e.detail.reactions.counts };
      this.dispatchEvent(new CustomEvent("change", { detail: {} }));
    });
    socket.addEventListener("reaction.added", (e) => {
      if (e.detail.room !== this.room) return;
      const grown = {};
      for (const [kind, total] of Object.entries(e.detail.counts)) {
        if (total > (this.counts[kind] || 0)) grown[kind] = total - (this.counts[kind] || 0);
        this.counts[kind] = Math.max(this.counts[kind] || 0, total);
      }
      this.dispatchEvent(new CustomEvent("change", { detail: grown }));
    });
  }

  follow(room) {
    this.room = room;
    this.counts = Object.fromEntries(KINDS.map((k) => [k, 0]));
  }
}

// Symbols that rise and fade over ``element`` (positioned by the page's CSS); with reduced
// motion, a count that shows for a moment instead.
export class Burst {
  constructor(element) {
    this.element = element;
    this.still = window.matchMedia("(prefers-reduced-motion: reduce)");
  }

  add(grown) {
    for (const [kind, count] of Object.entries(grown)) {
      if (!count) continue;
      if (this.still.matches) {
        this.flash(kind, count);
        continue;
      }
      const shown = Math.min(count, MOST_AT_ONCE);
      for (let i = 0; i < shown; i += 1) this.float(kind, i / shown);
    }
  }

  float(kind, offset) {
    const item = document.createElement("span");
    item.className = `burst-item burst-${kind}`;
    item.textContent = SYMBOLS[kind];
    item.setAttribute("aria-hidden", "true");
    item.style.setProperty("--x", `${Math.round(Math.random() * 90 + 5)}%`);
    item.style.setProperty("--delay", `${Math.round(offset * 400)}ms`);
    item.style.setProperty("--drift", `${Math.round(Math.random() * 60 - 30)}px`);
    item.addEventListener("animationend", () => item.remove());
    this.element.append(item);
  }

  flash(kind, count) {
    const item = document.createElement("span");
    item.className = "burst-flash";
    item.setAttribute("aria-hidden", "true");
    item.textContent = `${SYMBOLS[kind]} +${count}`;
    this.element.append(item);
    setTimeout(() => item.remove(), 1500);
  }
}

// The live page's reaction buttons: send one, and wait when told to.
export function mountReactionButtons(socket, sessionId, container, status, { mayReact }) {
  let waitUntil = 0;
  const buttons = KINDS.map((kind) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "react";
    button.dataset.kind = kind;
    const symbol = document.createElement("span");
    symbol.setAttribute("aria-hidden", "true");
    symbol.textContent = SYMBOLS[kind];
    const label = document.createElement("span");
    label.className = "react-label";
    label.textContent = reactionLabel(kind);
    button.append(symbol, label);
    button.addEventListener("click", () => send(kind, button));
    return button;
  });
  container.replaceChildren(...buttons);

  async function send(kind, button) {
    if (Date.now() < waitUntil) return;
    button.classList.remove("sent");
    try {
      await socket.call("reaction.send", { session: sessionId, kind });
      void button.offsetWidth; // restart the confirmation animation
      button.classList.add("sent");
      status.textContent = t("Sent: {reaction}", { reaction: reactionLabel(kind) });
    } catch (error) {
      if (error.code === "reaction.rate-limited") {
        waitUntil = Date.now() + (Number(error.params.retry_after) || 5) * 1000;
      }
      // The refusal says how long to wait, in the reader's words.
      status.textContent = error.code === "reaction.rate-limited" ? error.message : errorText(error);
    }
  }

  return {
    render() {
      const allowed = mayReact();
      for (const button of buttons) button.disabled = !allowed;
      container.closest("section").hidden = !allowed;
    },
  };
}
