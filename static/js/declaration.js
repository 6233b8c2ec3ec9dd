// The declaration's public page: its signatories live (the wall and every signature, in the
// viewer's time zone), the record's last digest, and, for a delegation's authorised
// signatory signed in with their personal link, signing with a second confirmation.

import { clock, day, lang, showConnection, t, viewerZone } from "./i18n.js";
import { SignaturePad } from "./signature_pad.js";
import { Wall } from "./signatory_wall.js";
import { Socket } from "./socket.js";

const $ = (id) => document.getElementById(id);
const data = JSON.parse($("declaration-data").textContent);
const shown = Number($("declaration-version")?.dataset.version || 0);
const reading = document.querySelector("article.declaration")?.lang || lang;

function when(seconds) {
  return `${day(seconds * 1000, viewerZone)} ${clock(seconds * 1000, viewerZone)}`;
}
for (const time of document.querySelectorAll("time[data-at]")) {
  time.textContent = when(Number(time.dataset.at));
}

const socket = new Socket({ hello: { lang } });
showConnection(socket, $("conn"));
const wall = new Wall(socket, $("signatory-wall"));
wall.addEventListener("change", (event) => {
  drawSignatures(event.detail);
  drawSigning(event.detail);
});
socket.addEventListener("snapshot", (event) => {
  data.my_delegation = event.detail.my_delegation;
});

function drawSignatures(declaration) {
  $("record-head").textContent = declaration.head;
  $("signing-status").textContent = declaration.current === null ? ""
    : declaration.open ? t("Signing is open.") : t("Signing is closed.");
  $("signatures").replaceChildren(...declaration.signatures.map((s) => {
    const row = document.createElement("tr");
    const cell = (text) => {
      const td = document.createElement("td");
      td.textContent = text;
      row.append(td);
      return td;
    };
    cell(s.delegation.name);
    cell(s.name);
    cell(t("Version {number}", { number: s.version }));
    const time = document.createElement("time");
    time.dateTime = new Date(s.at * 1000).toISOString();
    time.textContent = when(s.at);
    cell("").append(time);
    let status = s.where === "station" ? t("Signed at a signing station") : t("Signed remotely");
    if (s.withdrawn) {
      status = t("Withdrawn: {reason}", { reason: s.withdrawn.reason });
    } else if (s.version !== declaration.current) {
      status += " · " + t("on an earlier version: asked to sign version {number}", { number: declaration.current });
    }
    cell(status);
    if (s.withdrawn) row.className = "withdrawn";
    return row;
  }));
}

// -- remote signing -----------------------------------------------------------------------------

const section = $("sign-remote");
const pad = section ? new SignaturePad($("sign-pad")) : null;
let signing = false;

function delegationName(id) {
  return (data.delegations.find((d) => d.id === id) || {}).name || "";
}

function drawSigning(declaration) {
  const mine = data.my_delegation;
  if (!section || !mine || !mine.signatory || declaration.current === null) {
    if (section) section.hidden = true;
    return;
  }
  const name = delegationName(mine.delegation);
  const signed = declaration.signatures.find((s) => s.delegation.id === mine.delegation &&
    s.version === declaration.current && !s.withdrawn);
  section.hidden = false;
  $("sign-title").textContent = t("You sign for {delegation}", { delegation: name });
  const form = $("sign-form");
  let state = "";
  if (signed) state = t("{delegation} has signed version {version} ({time}).", { delegation: name, version: signed.version, time: when(signed.at) });
  else if (!declaration.open) state = t("Signing is closed.");
  else if (shown !== declaration.current) state = t("Version {number} was published: read it before signing.", { number: declaration.current });
  $("sign-state").textContent = state;
  form.hidden = Boolean(state);
  $("sign-read-label").textContent = t("I have read version {version} of the declaration and sign it on behalf of {delegation}.", { version: declaration.current, delegation: name });
  $("sign-submit").textContent = t("Sign for {delegation}", { delegation: name });
}

if (section) {
  $("sign-clear").addEventListener("click", () => pad.clear());
  $("sign-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = delegationName(data.my_delegation.delegation);
    $("sign-dialog-text").textContent = t("Sign version {version} of the declaration on behalf of {delegation}? Only the organisers can withdraw a signature.", { version: shown, delegation: name });
    $("sign-dialog").showModal();
    $("sign-yes").focus();
  });
  $("sign-no").addEventListener("click", () => $("sign-dialog").close());
  $("sign-yes").addEventListener("click", async () => {
    if (signing) return;
    signing = true;
    $("sign-dialog").close();
    $("sign-state").textContent = t("Sending…");
    try {
      const data = { version: shown, language: reading, confirm: true };
      if (pad.path) data.drawing = pad.path;
      await socket.call("declaration.sign", data);
    } catch (error) {
      $("sign-state").textContent = t("Error: {message}", { message: error.message });
    } finally {
      signing = false;
    }
  });
}

// The page's own copy first: the public page works for readers who may not open the socket.
wall.load(data.declaration);
socket.connect();
