// The moderators' on-air switches for a session's channels (its own, else its room's), in the
// session's panel: each channel live, off air or ended, through stream.channel.

import { errorText } from "./agenda.js";
import { t } from "./i18n.js";
import { applyStreamChange, channelName, watchOf } from "./streams.js";

const STATES = [["live", "Live"], ["off", "Off air"], ["ended", "Ended"]];

export function mountStreamControls(socket, sessionId, root = document.getElementById("m-stream")) {
  const list = root.querySelector(".stream-switches");
  const status = root.querySelector(".stream-switch-status");
  let sessions = new Map();
  let rooms = new Map();

  const load = (programme) => {
    sessions = new Map(programme.sessions.map((s) => [s.id, s]));
    rooms = new Map(programme.rooms.map((r) => [r.id, r]));
    render();
  };
  socket.addEventListener("snapshot", (e) => load(e.detail.programme));
  socket.addEventListener("schedule.loaded", (e) => load(e.detail.programme));
  socket.addEventListener("stream.changed", (e) => {
    if (applyStreamChange(e.detail, sessions, rooms)) render();
  });
  socket.addEventListener("session.changed", (e) => {
    for (const session of e.detail.sessions) sessions.set(session.id, session);
    render();
  });

  function render() {
    const session = sessions.get(sessionId);
    const watch = session ? watchOf(session, rooms.get(session.room)) : watchOf(null, null);
    root.hidden = !watch.channels.length;
    const target = watch.source === "session" ? { session: sessionId } : { room: session && session.room };
    list.replaceChildren(...watch.channels.map((channel) => {
      const item = document.createElement("li");
      const name = document.createElement("span");
      name.className = "stream-switch-name";
      name.textContent = channelName(channel);
      const group = document.createElement("span");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", channelName(channel));
      for (const [value, label] of STATES) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "secondary";
        button.textContent = t(label);
        button.setAttribute("aria-pressed", String(channel.on_air === value));
        button.addEventListener("click", async () => {
          if (channel.on_air === value) return;
          status.textContent = "";
          try {
            await socket.call("stream.channel", { ...target, channel: channel.id, on_air: value });
          } catch (error) {
            status.textContent = errorText(error);
          }
        });
        group.append(button);
      }
      item.append(name, " ", group);
      return item;
    }));
    const note = root.querySelector(".stream-source");
    note.textContent = watch.source === "room"
      ? t("These are the room’s channels: switching one switches it for every session in the room.")
      : "";
  }
}
