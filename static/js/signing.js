// The signing station (a paired kiosk): a signatory scans their badge, reads the
// declaration in their language, confirms, may draw a signature, and signs.

import { lang, showConnection, t } from "./i18n.js";
import { SignaturePad } from "./signature_pad.js";
import { Socket } from "./socket.js";

const $ = (id) => document.getElementById(id);
const AFTER_SIGNING = 15000; // ms before the station is ready for the next signatory
const socket = new Socket({ hello: { lang } });
showConnection(socket, $("conn"));
const pad = new SignaturePad($("sign-pad"));
const texts = new Map(); // version number -> {title, text}
let declaration = null;
let signer = null; // {badge, name, delegation, version}
let reading = lang;
let busy = false;
let resetTimer = null;

function show(step) {
  for (const id of ["step-scan", "step-read", "step-done"]) $(id).hidden = id !== step;
}

function drawState() {
  let text = t("The declaration has not been published yet.");
  if (declaration && declaration.current !== null) {
    text = t("Version {number}", { number: declaration.current }) + " · " +
      (declaration.open ? t("Signing is open.") : t("Signing is closed."));
  }
  $("station-state").textContent = text;
}

function ready() {
  clearTimeout(resetTimer);
  signer = null;
  pad.clear();
  $("sign-form").reset();
  $("sign-error").textContent = "";
  show("step-scan");
  $("scan").value = "";
  $("scan").focus();
}

socket.addEventListener("snapshot", (event) => {
  declaration = event.detail.declaration;
  drawState();
});
socket.addEventListener("declaration.published", (event) => {
  declaration.versions.push(event.detail.version);
  declaration.current = event.detail.version.number;
  drawState();
  // A signatory in the middle of reading must read the new version.
  if (signer) lookUp(signer.badge);
});
socket.addEventListener("declaration.signing-changed", (event) => {
  declaration.open = event.detail.open;
  drawState();
});

async function version(number) {
  if (!texts.has(number)) {
    const response = await fetch(`/declaration/versions/${number}.json`);
    if (!response.ok) throw new Error(t("The declaration could not be loaded."));
    texts.set(number, await response.json());
  }
  return texts.get(number);
}

async function drawText() {
  const v = await version(signer.version);
  $("read-text").lang = reading;
  $("read-title").textContent = v.title[reading];
  $("read-body").textContent = v.text[reading];
  $("sign-read-label").textContent = t("I, {name}, have read version {version} of the declaration and sign it on behalf of {delegation}.", {
    name: signer.name, version: signer.version, delegation: signer.delegation.name,
  });
  $("sign-submit").textContent = t("Sign for {delegation}", { delegation: signer.delegation.name });
}

async function lookUp(badge) {
  $("scan-error").textContent = "";
  try {
    const found = await socket.call("declaration.signer", { badge });
    signer = { badge, ...found };
    // The delegation's first language that the declaration has, else the station's.
    reading = signer.delegation.languages.find((l) => ["fr", "es", "en"].includes(l)) || lang;
    for (const radio of document.querySelectorAll("input[name=read]")) radio.checked = radio.value === reading;
    $("read-who").textContent = t("{name}, signatory for {delegation}", { name: signer.name, delegation: signer.delegation.name });
    await drawText();
    show("step-read");
    $("read-who").focus();
  } catch (error) {
    show("step-scan");
    $("scan-error").textContent = error.message;
    $("scan").select();
  }
}

$("scan-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const badge = $("scan").value.trim();
  if (badge) lookUp(badge);
});
for (const radio of document.querySelectorAll("input[name=read]")) {
  radio.addEventListener("change", () => {
    reading = radio.value;
    drawText();
  });
}
$("sign-clear").addEventListener("click", () => pad.clear());
$("sign-cancel").addEventListener("click", ready);
$("done-next").addEventListener("click", ready);

$("sign-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (busy || !signer) return;
  busy = true;
  $("sign-error").textContent = "";
  try {
    const data = { badge: signer.badge, version: signer.version, language: reading, confirm: true };
    if (pad.path) data.drawing = pad.path;
    const result = await socket.call("declaration.sign", data);
    $("done-title").textContent = t("Thank you: {delegation} has signed version {version}.", {
      delegation: result.delegation, version: result.version,
    });
    show("step-done");
    $("done-title").focus();
    resetTimer = setTimeout(ready, AFTER_SIGNING);
  } catch (error) {
    $("sign-error").textContent = t("Error: {message}", { message: error.message });
  } finally {
    busy = false;
  }
});

socket.connect();
ready();
