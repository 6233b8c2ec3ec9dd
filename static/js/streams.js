// What a session's attendees follow online: its own channels, else its room's (as
// streams/model.py: effective), kept current from the snapshot and the pushes.

import { lang, t } from "./i18n.js";

const EMPTY = { channels: [] };

// The session's stream with its room's as the fallback; the replay is the session's own.
export function watchOf(session, room) {
  const own = (session && session.stream) || EMPTY;
  const shared = (room && room.stream) || EMPTY;
  const channels = own.channels.length ? own.channels : shared.channels;
  return {
    channels,
    captions: own.captions || shared.captions || "",
    replay: own.replay || "",
    replayPlayer: (own.replay && own.replay_player) || null,
    source: own.channels.length ? "session" : (channels.length ? "room" : ""),
  };
}

// Applies a stream.changed push to maps of sessions and rooms by id.
export function applyStreamChange(detail, sessions, rooms) {
  const target = detail.target === "session" ? sessions.get(detail.id) : rooms.get(detail.id);
  if (target) target.stream = detail.stream;
  return Boolean(target);
}

const LANGUAGE_NAMES = { fr: "Français", es: "Español", en: "English" };

// "Floor (original)", or the language's own name (as the language menu shows it).
export function channelName(channel) {
  if (channel.language === "floor") return t("Floor (original)");
  if (channel.language === "replay") return t("Replay");
  if (LANGUAGE_NAMES[channel.language]) return LANGUAGE_NAMES[channel.language];
  try {
    return new Intl.DisplayNames([channel.language], { type: "language" }).of(channel.language);
  } catch {
    return channel.language.toUpperCase();
  }
}

const STORE = "stream-language";

// The channel to play: the one chosen before on this device if still offered, else the
// interface language's, else the floor, else the first.
export function preferredChannel(channels) {
  let remembered = null;
  try {
    remembered = localStorage.getItem(STORE);
  } catch { /* storage may be off */ }
  const byLanguage = (code) => channels.find((c) => c.language === code);
  return (remembered && byLanguage(remembered)) || byLanguage(lang) || byLanguage("floor") ||
    channels[0] || null;
}

export function rememberChannel(channel) {
  try {
    localStorage.setItem(STORE, channel.language);
  } catch { /* storage may be off */ }
}
