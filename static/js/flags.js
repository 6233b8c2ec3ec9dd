// A delegation's flag: its own image, or the emoji flag of its country; country names.

import { lang } from "./i18n.js";

const regions = "DisplayNames" in Intl ? new Intl.DisplayNames([lang], { type: "region" }) : null;

export function countryName(code) {
  try {
    return (regions && regions.of(code)) || code;
  } catch {
    return code;
  }
}

// Two regional indicator symbols make the flag emoji of a country code.
export function emojiFlag(code) {
  return String.fromCodePoint(...[...code.toUpperCase()].map((c) => 0x1f1a5 + c.charCodeAt(0)));
}

// An element showing the delegation's flag; decorative, since its name is written beside it.
export function flagElement(delegation) {
  if (delegation.flag) {
    const img = document.createElement("img");
    img.className = "flag";
    img.src = delegation.flag;
    img.alt = "";
    img.referrerPolicy = "no-referrer";
    img.addEventListener("error", () => img.replaceWith(emojiElement(delegation.country)));
    return img;
  }
  return emojiElement(delegation.country);
}

function emojiElement(country) {
  const span = document.createElement("span");
  span.className = "flag";
  span.setAttribute("aria-hidden", "true");
  span.textContent = emojiFlag(country);
  return span;
}
