// Control panel: announcements to everyone or to one session's room.

import { AnnouncementList } from "./announcements.js";
import { mountDeclaration } from "./declaration_panel.js";
import { clock, day, localized, showConnection, t } from "./i18n.js";
import { Socket } from "./socket.js";

const socket = new Socket();
const form = document.getElementById("announce");
const status = document.getElementById("ann-status");
const roomSelect = document.getElementById("ann-room");
const posted = new AnnouncementList(document.getElementById("posted"), socket, {
  withdraw: (a) => socket.call("announcement.withdraw", { announcement: a.id }).catch((error) => {
    status.textContent = t("Error: {message}", { message: error.message });
  }),
});

showConnection(socket, document.getElementById("conn"));
if (document.getElementById("declaration-panel")) mountDeclaration(socket);

socket.addEventListener("snapshot", (event) => {
  const { programme } = event.detail;
  posted.reset(event.detail.all_announcements || event.detail.announcements);
  const options = programme.sessions.map((session) => {
    const option = document.createElement("option");
    option.value = session.id;
    // Three days of sessions in one list: the day tells two 10:00 sessions apart.
    option.textContent = `${day(session.start)} ${clock(session.start)} · ${localized(session.title)}`;
    return option;
  });
  const everyone = roomSelect.options[0];
  roomSelect.replaceChildren(everyone, ...options);
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const texts = {};
  for (const area of form.querySelectorAll("textarea[data-lang]")) {
    if (area.value.trim()) texts[area.dataset.lang] = area.value;
  }
  if (!Object.keys(texts).length) {
    status.textContent = t("Write the message in at least one language.");
    form.querySelector("textarea[data-lang]").focus();
    return;
  }
  const data = { texts };
  if (roomSelect.value) data.room = roomSelect.value;
  if (form.expires_in.value) data.expires_in = Number(form.expires_in.value);
  status.textContent = "";
  try {
    await socket.call("announcement.post", data);
    status.textContent = t("Announcement posted.");
    form.reset();
  } catch (error) {
    status.textContent = t("Error: {message}", { message: error.message });
  }
});

socket.connect();
