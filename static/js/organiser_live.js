// Organiser panel, live: who is inside each session now and who follows it online, with a
// warning near capacity; offline kiosk conflicts and refused duplicates as they happen;
// when session doors open.

import { clock, localized, t } from "./i18n.js";
import { el } from "./qa.js";

const LISTED = 50;

export function mountLive(socket) {
  const $ = (id) => document.getElementById(id);
  const sessions = new Map();
  const occupancy = new Map();
  let conflicts = [];

  function title(id) {
    const session = sessions.get(id);
    return session ? localized(session.title) : id;
  }

  function drawOccupancy() {
    const rows = [...occupancy.entries()].filter(([, c]) => c.inside || c.online)
      .sort(([a], [b]) => title(a).localeCompare(title(b)));
    $("occ-empty").hidden = rows.length > 0;
    $("occ-table").hidden = rows.length === 0;
    $("occ-rows").replaceChildren(...rows.map(([id, c]) => {
      const warn = c.full ? t("Full") : c.near ? t("Nearly full") : "";
      return el("tr", { className: c.full ? "occ-full" : c.near ? "occ-near" : "", dataset: { session: id } },
        el("th", { text: title(id), attrs: { scope: "row" } }),
        el("td", { className: "occ-inside", text: c.capacity ? `${c.inside} / ${c.capacity}` : String(c.inside) }),
        el("td", { className: "occ-online", text: String(c.online) }),
        el("td", { text: warn }));
    }));
  }

  function conflictLine(c) {
    const kept = c.winner, other = c.loser;
    const when = (scan) => clock((scan.offline_at || scan.at) * 1000);
    const where = c.session ? title(c.session) : t("Venue");
    const text = c.kind === "earlier"
      ? t("{where}: the earlier offline scan by {kept} at {kept_time} wins over {other} at {other_time}",
          { where, kept: kept.device, kept_time: when(kept), other: other.device, other_time: when(other) })
      : t("{where}: duplicate scan by {other} at {other_time} refused (first: {kept} at {kept_time})",
          { where, kept: kept.device, kept_time: when(kept), other: other.device, other_time: when(other) });
    return el("li", { className: `conflict-${c.kind}` }, el("strong", { text: c.registration.name }),
      el("span", { text: ` · ${text}` }));
  }

  function drawConflicts() {
    $("conflict-count").textContent = String(conflicts.total || 0);
    const list = $("conflicts");
    if (!conflicts.length) {
      list.replaceChildren(el("li", { className: "empty", text: t("No conflicts.") }));
      return;
    }
    list.replaceChildren(...conflicts.map(conflictLine));
  }

  socket.addEventListener("snapshot", (event) => {
    const snapshot = event.detail;
    sessions.clear();
    for (const session of snapshot.programme.sessions) sessions.set(session.id, session);
    if (!snapshot.attendance) return;
    occupancy.clear();
    for (const [id, counts] of Object.entries(snapshot.attendance.occupancy)) occupancy.set(id, counts);
    conflicts = snapshot.attendance.conflict_list || [];
    conflicts.total = snapshot.attendance.conflicts;
    $("early-entry").value = String(snapshot.attendance.early_entry);
    drawOccupancy();
    drawConflicts();
  });
  socket.addEventListener("occupancy.changed", (event) => {
    for (const [id, counts] of Object.entries(event.detail.occupancy)) occupancy.set(id, counts);
    drawOccupancy();
  });
  socket.addEventListener("checkin.conflict", (event) => {
    const total = (conflicts.total || 0) + 1;
    conflicts = [event.detail, ...conflicts].slice(0, LISTED);
    conflicts.total = total;
    drawConflicts();
  });
  socket.addEventListener("attendance.settings-changed", (event) => {
    $("early-entry").value = String(event.detail.early_entry);
  });

  const form = $("att-settings");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = $("att-settings-status");
    try {
      await socket.call("attendance.settings", { early_entry: Number(form.elements.early_entry.value) });
      status.textContent = t("Saved.");
      status.classList.remove("error");
    } catch (error) {
      status.textContent = error.message;
      status.classList.add("error");
    }
  });
}
