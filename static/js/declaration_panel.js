// Organiser panel: publish versions of the declaration, open and close signing, and
// withdraw a signature with a reason. The moderators' panel has the signatures only.

import { clock, t, viewerZone } from "./i18n.js";

export function mountDeclaration(socket) {
  const $ = (id) => document.getElementById(id);
  let declaration = null;

  function say(element, text, isError = false) {
    element.textContent = text;
    element.classList.toggle("error", isError);
  }

  socket.addEventListener("snapshot", (event) => {
    declaration = event.detail.declaration;
    draw();
  });
  socket.addEventListener("declaration.published", (event) => {
    declaration.versions.push(event.detail.version);
    declaration.current = event.detail.version.number;
    draw();
  });
  socket.addEventListener("declaration.signing-changed", (event) => {
    declaration.open = event.detail.open;
    draw();
  });
  socket.addEventListener("declaration.signed", (event) => {
    declaration.signatures.push(event.detail.signature);
    draw();
  });
  socket.addEventListener("declaration.withdrawn", (event) => {
    const s = event.detail.signature;
    declaration.signatures = declaration.signatures.map((x) => (x.id === s.id ? s : x));
    draw();
  });

  function draw() {
    if (!declaration) return;
    const standing = declaration.signatures.filter((s) => s.version === declaration.current && !s.withdrawn);
    say($("dec-status"), declaration.current === null ? t("The declaration has not been published yet.")
      : t("Version {number}", { number: declaration.current }) + " · " +
        (declaration.open ? t("Signing is open.") : t("Signing is closed.")) + " · " +
        t("{count} of {total} delegations have signed version {version}.", {
          count: standing.length, total: declaration.delegations, version: declaration.current }));
    if ($("dec-open")) $("dec-open").textContent = declaration.open ? t("Close signing") : t("Open signing");
    $("dec-signatures").replaceChildren(...declaration.signatures.map(drawSignature));
  }

  function drawSignature(s) {
    const li = document.createElement("li");
    const text = `${s.delegation.name} · ${s.name} · ${t("Version {number}", { number: s.version })} · ${clock(s.at * 1000, viewerZone)}`;
    li.append(text);
    if (s.withdrawn) {
      li.append(" · ", t("Withdrawn: {reason}", { reason: s.withdrawn.reason }));
      return li;
    }
    if (!declaration.open) return li;
    const form = document.createElement("form");
    form.className = "dec-withdraw";
    const id = `dec-reason-${s.id}`;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = t("Reason for withdrawing the signature of {delegation}", { delegation: s.delegation.name });
    const input = document.createElement("input");
    input.id = id;
    input.required = true;
    input.minLength = 3;
    input.maxLength = 300;
    const button = document.createElement("button");
    button.type = "submit";
    button.className = "secondary";
    button.textContent = t("Withdraw");
    form.append(label, input, button);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      button.disabled = true;
      try {
        await socket.call("declaration.withdraw", { signature: s.id, reason: input.value.trim() });
        say($("dec-withdraw-status"), t("The signature of {delegation} is withdrawn.", { delegation: s.delegation.name }));
      } catch (error) {
        say($("dec-withdraw-status"), t("Error: {message}", { message: error.message }), true);
        button.disabled = false;
      }
    });
    li.append(form);
    return li;
  }

  $("dec-open")?.addEventListener("click", async () => {
    const button = $("dec-open");
    button.disabled = true;
    try {
      const result = await socket.call("declaration.open", { open: !declaration.open });
      say($("dec-open-status"), result.open ? t("Signing is open.") : t("Signing is closed."));
    } catch (error) {
      say($("dec-open-status"), t("Error: {message}", { message: error.message }), true);
    } finally {
      button.disabled = false;
    }
  });

  const form = $("dec-form");
  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const title = {};
    const text = {};
    for (const code of ["fr", "es", "en"]) {
      title[code] = form.elements[`title-${code}`].value.trim();
      text[code] = form.elements[`text-${code}`].value.trim();
    }
    if (declaration && declaration.open && declaration.signatures.some((s) => !s.withdrawn) &&
        !window.confirm(t("Publish a new version? Every delegation will be asked to sign again."))) return;
    say($("dec-form-status"), t("Sending…"));
    try {
      const result = await socket.call("declaration.publish", { title, text });
      say($("dec-form-status"), result.asks_again
        ? t("Version {number} is published: delegations are asked to sign again.", { number: result.version })
        : t("Version {number} is published.", { number: result.version }));
    } catch (error) {
      say($("dec-form-status"), t("Error: {message}", { message: error.message }), true);
    }
  });
}
