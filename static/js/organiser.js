// Organiser panel: check the programme file before uploading, confirm a replacing
// import; attendance counts, registering people one by one or from a CSV file.

import { attendeesFromCsv } from "./attendee_csv.js";
import { mountDeclaration } from "./declaration_panel.js";
import { mountDelegations } from "./delegations_panel.js";
import { clock, lang, showConnection, t } from "./i18n.js";
import { mountLive } from "./organiser_live.js";
import { Socket } from "./socket.js";
import { mountStreams } from "./streams_panel.js";

const MAX = 16 * 1024 * 1024;
const MAX_PEOPLE = 5000; // per attendance.import (docs/protocol.md)
// The largest message this page's websocket may send, as the server counts it (characters).
const MAX_FRAME = Number(document.getElementById("att-import")?.dataset.maxFrame) || 64 * 1024;
const form = document.getElementById("import-form");

if (form) {
  const status = document.getElementById("import-status");
  form.addEventListener("submit", (event) => {
    const file = form.file.files[0];
    if (file && file.size > MAX) {
      event.preventDefault();
      status.textContent = t("The file is larger than 16 MiB.");
      return;
    }
    if (form.mode.value === "replace" &&
        !window.confirm(t("Replace the whole programme? Sessions missing from the file are removed."))) {
      event.preventDefault();
      return;
    }
    status.textContent = t("Importing…");
    form.querySelector("button[type=submit]").disabled = true;
  });
}

// -- attendance: counts, one registration, a CSV import, over the websocket -------------------

const attendance = document.getElementById("attendance");
if (attendance) mountAttendance();

function mountAttendance() {
  const $ = (id) => document.getElementById(id);
  const socket = new Socket({ hello: { lang } });
  showConnection(socket, $("conn"));
  if ($("delegations")) mountDelegations(socket);
  mountLive(socket);
  if ($("declaration-panel")) mountDeclaration(socket);
  if ($("streams")) mountStreams(socket);

  const RECENT = 10;
  let recent = [];

  function setCounts(counts) {
    $("att-registered").textContent = String(counts.registered);
    $("att-checked-in").textContent = String(counts.checked_in);
  }
  socket.addEventListener("snapshot", (event) => {
    if (!event.detail.attendance) return;
    setCounts(event.detail.attendance);
    recent = event.detail.attendance.recent.slice(0, RECENT);
    drawRecent();
  });
  for (const type of ["attendance.registered", "checkin.recorded", "checkin.undone"]) {
    socket.addEventListener(type, (event) => setCounts(event.detail.counts));
  }
  socket.addEventListener("checkin.recorded", (event) => {
    const checkin = event.detail;
    recent = [checkin, ...recent.filter((c) => c.registration.id !== checkin.registration.id)]
      .slice(0, RECENT);
    drawRecent();
  });
  socket.addEventListener("checkin.undone", (event) => {
    recent = recent.filter((c) => c.registration.id !== event.detail.registration.id);
    drawRecent();
  });

  // -- the latest check-ins, each with an undo for a kiosk's mistake --
  function drawRecent() {
    const list = $("att-recent");
    if (!recent.length) {
      const empty = document.createElement("li");
      empty.textContent = t("No check-ins yet.");
      list.replaceChildren(empty);
      return;
    }
    list.replaceChildren(...recent.map((checkin) => {
      const item = document.createElement("li");
      const who = document.createElement("strong");
      who.textContent = checkin.registration.name;
      const what = document.createElement("span");
      what.textContent = ` · ${clock(checkin.at * 1000)} · ${checkin.device} `;
      const undo = document.createElement("button");
      undo.type = "button";
      undo.className = "secondary";
      undo.textContent = t("Undo");
      undo.setAttribute("aria-label", t("Undo the check-in of {name}", { name: checkin.registration.name }));
      undo.addEventListener("click", async () => {
        undo.disabled = true;
        try {
          await socket.call("checkin.undo", { registration: checkin.registration.id });
          say($("att-undo-status"), t("The check-in of {name} is undone.", { name: checkin.registration.name }));
        } catch (error) {
          undo.disabled = false;
          say($("att-undo-status"), error.message, true);
        }
      });
      item.append(who, what, undo);
      return item;
    }));
  }

  function say(element, text, isError = false) {
    element.textContent = text;
    element.classList.toggle("error", isError);
  }

  // -- one person --
  const form = $("att-register");
  const status = $("att-register-status");
  let registering = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (registering) return;
    const data = { name: form.elements.name.value.trim(), kind: form.elements.kind.value };
    for (const field of ["organisation", "city", "badge"]) {
      const value = form.elements[field].value.trim();
      if (value) data[field] = value;
    }
    if (!data.name) {
      say(status, t("Write the person's name first."), true);
      form.elements.name.focus();
      return;
    }
    registering = true;
    say(status, t("Sending…"));
    try {
      const result = await socket.call("attendance.register", data);
      say(status, t("{name} is registered, badge {badge}.", { name: data.name, badge: result.badge }));
      form.reset();
      form.elements.name.focus();
    } catch (error) {
      say(status, t("Error: {message}", { message: error.message }), true);
      const field = error.params.field || (error.code === "attendance.badge-taken" ? "badge" : "");
      if (form.elements[field]) form.elements[field].focus();
    } finally {
      registering = false;
    }
  });

  // -- a CSV file of people, all or nothing --
  const importForm = $("att-import");
  const importStatus = $("att-import-status");
  let importing = false;
  importForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = importForm.elements.file.files[0];
    if (!file || importing) return;
    const read = attendeesFromCsv(await file.text());
    if (read.problem === "no-name-column") {
      say(importStatus, t("The file needs a “name” column in its first line."), true);
      return;
    }
    if (read.problem) {
      say(importStatus, t("The file has no attendees."), true);
      return;
    }
    // Past four times its frame limit the server closes the connection, and the shared
    // client would send the message again at each reconnect: check first.
    const count = read.people.length;
    // With a delegation column, people and their delegations are imported in one command.
    const type = read.delegations ? "delegation.import" : "attendance.import";
    const size = JSON.stringify({ type, id: "0".repeat(64),
                                  data: { people: read.people } }).length;
    if (size > MAX_FRAME || count > MAX_PEOPLE) {
      const max = Math.min(MAX_PEOPLE, Math.max(1, Math.floor((count * MAX_FRAME) / size) - 1));
      say(importStatus, t("The file is too large to send in one piece ({count} people): split it into files of at most {max} people.", { count, max }), true);
      return;
    }
    importing = true;
    say(importStatus, t("Importing {count} people…", { count }));
    try {
      const result = await socket.call(type, { people: read.people });
      let text = t("Imported {count} people.", { count: result.count });
      if (read.delegations) {
        text += " " + t("{delegates} delegates, {delegations} new delegations.",
                        { delegates: result.delegates, delegations: result.delegations });
      }
      const columns = read.ignored.join(", ");
      if (columns) text += " " + t("Columns ignored: {columns}.", { columns });
      say(importStatus, text);
      importForm.reset();
    } catch (error) {
      // The server counts rows from 1 among the people; the file has a header and maybe
      // blank lines, so the line of the file is named too.
      const row = error.params.row;
      const line = row ? read.lines[row - 1] : null;
      say(importStatus, line
        ? t("Nobody was imported. Line {line} of the file: {message}", { line, message: error.message })
        : t("Nobody was imported: {message}", { message: error.message }), true);
    } finally {
      importing = false;
    }
  });

  socket.connect();
}
