// Kiosk shell: connection state and announcements; commands queue while offline.

import { AnnouncementList } from "./announcements.js";
import { showConnection } from "./i18n.js";
import { Socket } from "./socket.js";

const socket = new Socket({ storageKey: "rencontre.kiosk.queue" });
const announcements = new AnnouncementList(document.getElementById("announcements"), socket);
showConnection(socket, document.getElementById("conn"));
socket.addEventListener("snapshot", (event) => announcements.reset(event.detail.announcements));
socket.connect();
