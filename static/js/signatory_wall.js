// The signatory wall: the delegations that have signed the current version, in order,
// with a count, a list by country and a moment for each new signature (shown, and
// announced to screen readers). On the stage, on /live and on /declaration.

import { countryName, flagElement } from "./flags.js";
import { clock, t, viewerZone } from "./i18n.js";

const MOMENT = 8000; // ms a new signature stays in the spotlight

export class Wall extends EventTarget {
  // root: the section of _signatory_wall.html. With stage, the wall shows only while signing
  // is open and for `linger` ms after it closes (the stage then goes back to its session).
  constructor(socket, root, { stage = false, linger = Infinity } = {}) {
    super();
    this.socket = socket;
    this.root = root;
    this.stage = stage;
    this.linger = linger;
    this.declaration = null;
    const q = (id) => root.querySelector(`#${id}`);
    this.count = q("wall-count");
    this.moment = q("wall-moment");
    this.list = q("wall-list");
    this.countries = q("wall-countries");
    socket.addEventListener("snapshot", (event) => this.load(event.detail.declaration));
    socket.addEventListener("declaration.published", (event) => {
      const d = this.declaration;
      if (!d) return;
      d.versions.push(event.detail.version);
      d.current = event.detail.version.number;
      this.update(event.detail);
    });
    socket.addEventListener("declaration.signing-changed", (event) => {
      if (!this.declaration) return;
      this.declaration.open = event.detail.open;
      if (event.detail.open) this.declaration.opened_at = event.detail.at;
      else this.declaration.closed_at = event.detail.at;
      this.update(event.detail);
    });
    socket.addEventListener("declaration.signed", (event) => {
      if (!this.declaration) return;
      this.declaration.signatures.push(event.detail.signature);
      this.update(event.detail);
      this.celebrate(event.detail.signature);
    });
    socket.addEventListener("declaration.withdrawn", (event) => {
      if (!this.declaration) return;
      const s = event.detail.signature;
      this.declaration.signatures = this.declaration.signatures.map((x) => (x.id === s.id ? s : x));
      this.update(event.detail);
    });
  }

  load(declaration) {
    if (!declaration) return;
    this.declaration = declaration;
    this.draw();
  }

  update(totals) {
    Object.assign(this.declaration, { delegations: totals.delegations, head: totals.head });
    this.draw();
  }

  // The standing signatures of the current version, in the order they were made.
  standing() {
    const d = this.declaration;
    return d.signatures.filter((s) => s.version === d.current && !s.withdrawn);
  }

  draw() {
    const d = this.declaration;
    clearTimeout(this.lingering);
    let visible = d.current !== null && (!this.stage || d.open || d.opened_at !== null);
    if (visible && this.stage && !d.open && d.closed_at !== null) {
      const left = d.closed_at * 1000 + this.linger - this.socket.now;
      visible = left > 0;
      if (visible && Number.isFinite(left)) this.lingering = setTimeout(() => this.draw(), left);
    }
    this.root.hidden = !visible;
    this.dispatchEvent(new CustomEvent("visibility", { detail: visible }));
    this.dispatchEvent(new CustomEvent("change", { detail: d }));
    if (!visible) return;
    const signed = this.standing();
    this.count.textContent = t("{count} of {total} delegations have signed version {version}.", {
      count: signed.length, total: d.delegations, version: d.current,
    }) + " " + (d.open ? t("Signing is open.") : t("Signing is closed."));
    this.list.replaceChildren(...signed.map((s) => this.item(s)));
    const byCountry = new Map();
    for (const s of signed) {
      const name = countryName(s.delegation.country);
      byCountry.set(name, [...(byCountry.get(name) || []), s.delegation.name]);
    }
    this.countries.replaceChildren(...[...byCountry].sort((a, b) => a[0].localeCompare(b[0]))
      .map(([country, cities]) => {
        const li = document.createElement("li");
        const name = document.createElement("strong");
        name.textContent = `${country} (${cities.length})`;
        li.append(name, `: ${cities.join(", ")}`);
        return li;
      }));
  }

  item(s) {
    const li = document.createElement("li");
    li.dataset.signature = s.id;
    const name = document.createElement("span");
    name.className = "wall-city";
    name.textContent = s.delegation.name;
    const when = document.createElement("time");
    when.dateTime = new Date(s.at * 1000).toISOString();
    when.textContent = clock(s.at * 1000, viewerZone);
    li.append(flagElement(s.delegation), " ", name, " ", when);
    return li;
  }

  celebrate(s) {
    const country = countryName(s.delegation.country);
    this.moment.textContent = t("{delegation} ({country}) has signed the declaration.", {
      delegation: s.delegation.name, country,
    });
    this.moment.classList.remove("wall-moment-on");
    void this.moment.offsetWidth; // restart the animation for a second signature in a row
    this.moment.classList.add("wall-moment-on");
    const item = this.list.querySelector(`[data-signature="${s.id}"]`);
    if (item) item.classList.add("wall-new");
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.moment.classList.remove("wall-moment-on");
      if (item) item.classList.remove("wall-new");
    }, MOMENT);
  }
}
