// What a room has on now: the session staff started, else the one its times say is running
// (and not ended). A session started early or late wins over the clock's.
export function onNow(sessions, now) {
  return sessions.find((s) => s.status === "live")
    || sessions.find((s) => s.status !== "ended"
      && Date.parse(s.start) <= now && now < Date.parse(s.end))
    || null;
}
