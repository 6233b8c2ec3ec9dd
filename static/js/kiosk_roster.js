// The registrations a paired kiosk keeps for when the network is gone: name search and
// "unknown badge" verdicts work offline. Kept in localStorage with the event they belong
// to and when it ends; cleared when the kiosk is unpaired (its token refused or revoked),
// when the event is over, or when another event's list would mix in.

const KEY = "rencontre.kiosk.roster";

export const fold = (text) => (text || "").normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

export class Roster {
  constructor(socket) {
    this.socket = socket;
    this.people = [];
    this.byBadge = new Map();
    this.event = null;
    this.load();
  }

  load() {
    try {
      const saved = JSON.parse(localStorage.getItem(KEY) || "null");
      if (saved && saved.ends > Date.now() / 1000) this.use(saved);
      else this.clear();
    } catch {
      this.clear();
    }
  }

  use(saved) {
    this.event = saved.event;
    this.ends = saved.ends;
    this.people = saved.people.map(([id, name, organisation, city, badge, checked_in_at]) =>
      ({ id, name, organisation, city, badge, checked_in_at, haystack: fold(`${name} ${organisation} ${city} ${badge}`) }));
    this.byBadge = new Map(this.people.map((person) => [person.badge, person]));
  }

  clear() {
    localStorage.removeItem(KEY);
    this.people = [];
    this.byBadge = new Map();
    this.event = null;
  }

  get size() {
    return this.people.length;
  }

  // Fetched again after every (re)connect and registration: the server's list wins.
  async refresh() {
    const roster = await this.socket.call("attendance.roster");
    if (!roster.ends || roster.ends <= Date.now() / 1000) {
      this.clear();
      return;
    }
    const saved = { event: roster.event, ends: roster.ends, people: roster.people };
    try {
      localStorage.setItem(KEY, JSON.stringify(saved));
    } catch {
      // Storage full: the list still serves this page until it is reloaded.
    }
    this.use(saved);
  }

  has(badge) {
    return this.byBadge.has(badge);
  }

  person(badge) {
    return this.byBadge.get(badge) || null;
  }

  search(query, limit = 20) {
    const words = fold(query).split(/\s+/).filter(Boolean);
    return this.people.filter((p) => words.every((word) => p.haystack.includes(word)))
      .sort((a, b) => fold(a.name).localeCompare(fold(b.name))).slice(0, limit);
  }

  checkedIn(registrationId, at) {
    const person = this.people.find((p) => p.id === registrationId);
    if (person && !person.checked_in_at) person.checked_in_at = at;
  }
}

// An unpaired page (the pairing form) forgets any list a previous pairing left behind.
export function forget() {
  localStorage.removeItem(KEY);
}
