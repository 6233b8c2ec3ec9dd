// Personal links and kiosk pairing (/organiser/access): issue links (the server answers
// with a CSV of them, downloaded here, the only time they are shown), revoke them, make
// a kiosk pairing code.

import { clock, lang, showConnection, t } from "./i18n.js";
import { Socket } from "./socket.js";

const $ = (id) => document.getElementById(id);
const socket = new Socket({ hello: { lang } });
showConnection(socket, $("conn"));

for (const time of document.querySelectorAll("time.js-time")) {
  const seconds = Number(time.getAttribute("datetime"));
  if (seconds) time.textContent = clock(seconds * 1000);
}

function say(element, text, isError = false) {
  element.textContent = text;
  element.classList.toggle("error", isError);
}

function download(text, name) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function issue(data, question) {
  const status = $("links-status");
  if (question && !window.confirm(question)) return;
  say(status, t("Sending…"));
  try {
    const result = await socket.call("attendance.issue-links", { ...data, base: location.origin });
    if (!result.count) {
      say(status, t("Everyone has a link already."));
      return;
    }
    download(result.csv, "personal-links.csv");
    say(status, t("{count} links issued: keep the downloaded file, they are not shown again.",
                  { count: result.count }));
    setTimeout(() => location.reload(), 1500);
  } catch (error) {
    say(status, t("Error: {message}", { message: error.message }), true);
  }
}

$("issue-missing").addEventListener("click", () => issue({ scope: "missing" }));
$("issue-all").addEventListener("click", () => issue(
  { scope: "all" }, t("Issue new links to everyone? Their current links stop working.")));

for (const button of document.querySelectorAll("button.issue-one")) {
  const registration = button.closest("tr").dataset.registration;
  button.addEventListener("click", () => issue({ registrations: [registration] }));
}

for (const button of document.querySelectorAll("button.revoke-one")) {
  const row = button.closest("tr");
  button.addEventListener("click", async () => {
    if (!window.confirm(t("Revoke the link of {name}? It stops working at once.", { name: button.dataset.name }))) return;
    try {
      await socket.call("attendance.unlink", { registrations: [row.dataset.registration] });
      location.reload();
    } catch (error) {
      say($("links-status"), t("Error: {message}", { message: error.message }), true);
    }
  });
}

for (const button of document.querySelectorAll("button.unpair")) {
  button.addEventListener("click", async () => {
    if (!window.confirm(t("Unpair {name}? It signs out at once.", { name: button.dataset.name }))) return;
    try {
      await socket.call("access.revoke", { principal: button.closest("li").dataset.principal });
      location.reload();
    } catch (error) {
      say($("pairing-result"), t("Error: {message}", { message: error.message }), true);
    }
  });
}

$("pairing-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const result = $("pairing-result");
  try {
    const made = await socket.call("kiosk.pairing-code", {
      label: form.elements.label.value.trim(), minutes: Number(form.elements.minutes.value) });
    say(result, t("Pairing code for {label}: {code} (valid until {time})",
                  { label: made.label, code: made.code, time: clock(made.expires_at * 1000) }));
  } catch (error) {
    say(result, t("Error: {message}", { message: error.message }), true);
  }
});

socket.connect();
