// Organiser panel: the delegations (member cities), their delegates and signatories.

import { countryName, flagElement } from "./flags.js";
import { t, tn } from "./i18n.js";

export function mountDelegations(socket) {
  const $ = (id) => document.getElementById(id);
  const delegations = new Map(); // id -> staff view {id, name, country, flag, languages, members}

  const byName = () => [...delegations.values()].sort((a, b) => a.name.localeCompare(b.name));

  socket.addEventListener("snapshot", (event) => {
    delegations.clear();
    for (const d of event.detail.delegations || []) delegations.set(d.id, d);
    draw();
  });
  socket.addEventListener("delegation.saved", (event) => {
    for (const d of event.detail.delegations) {
      delegations.set(d.id, { members: [], ...delegations.get(d.id), ...d });
    }
    draw();
  });
  socket.addEventListener("delegation.removed", (event) => {
    delegations.delete(event.detail.delegation);
    draw();
  });
  socket.addEventListener("delegation.members-set", (event) => {
    for (const d of event.detail.delegations) delegations.set(d.id, d);
    draw();
  });

  function say(element, text, isError = false) {
    element.textContent = text;
    element.classList.toggle("error", isError);
  }

  function button(text, label, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "secondary";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.addEventListener("click", async () => {
      b.disabled = true;
      try {
        await onClick();
      } catch (error) {
        say($("dlg-list-status"), t("Error: {message}", { message: error.message }), true);
      } finally {
        b.disabled = false;
      }
    });
    return b;
  }

  function draw() {
    const list = byName();
    say($("dlg-count"), t("Delegations: {count}", { count: list.length }));
    $("dlg-list").replaceChildren(...list.map(drawDelegation));
    const select = $("dlg-of");
    const chosen = select.value;
    select.replaceChildren(...list.map((d) => new Option(d.name, d.id)));
    if (delegations.has(chosen)) select.value = chosen;
  }

  function drawDelegation(d) {
    const item = document.createElement("li");
    item.className = "dlg";
    item.dataset.delegation = d.id;
    const head = document.createElement("div");
    head.className = "dlg-head";
    const name = document.createElement("strong");
    name.textContent = d.name;
    const about = document.createElement("span");
    const languages = d.languages.length ? ` · ${d.languages.join(", ")}` : "";
    about.textContent = ` · ${countryName(d.country)}${languages} · ` +
      t("Delegates: {count}", { count: d.members.length });
    head.append(flagElement(d), " ", name, about, " ",
      button(t("Edit"), t("Edit {name}", { name: d.name }), async () => edit(d)),
      button(t("Remove"), t("Remove {name}", { name: d.name }), async () => {
        if (!window.confirm(t("Remove the delegation {name}? Its delegates stay registered.", { name: d.name }))) return;
        await socket.call("delegation.remove", { delegation: d.id });
        say($("dlg-list-status"), t("{name} is removed.", { name: d.name }));
      }));
    item.append(head);
    if (!d.members.some((m) => m.signatory)) {
      const warning = document.createElement("p");
      warning.className = "dlg-warning";
      warning.textContent = t("No authorised signatory yet.");
      item.append(warning);
    }
    if (d.members.length) {
      const members = document.createElement("ul");
      members.className = "dlg-members";
      members.append(...d.members.map((m) => drawMember(d, m)));
      item.append(members);
    }
    return item;
  }

  function drawMember(d, m) {
    const li = document.createElement("li");
    const who = document.createElement("span");
    who.textContent = m.signatory ? `${m.name} · ${t("Authorised signatory")}` : m.name;
    li.append(who, " ",
      button(m.signatory ? t("Not a signatory") : t("Make signatory"),
        m.signatory ? t("{name} no longer signs", { name: m.name })
          : t("{name} signs for the delegation", { name: m.name }),
        () => socket.call("delegation.member", { registration: m.registration, delegation: d.id,
                                                  signatory: !m.signatory })),
      button(t("Take out"), t("Take {name} out of {delegation}", { name: m.name, delegation: d.name }),
        () => socket.call("delegation.member", { registration: m.registration })));
    return li;
  }

  // -- add or edit a delegation --
  const form = $("dlg-form");
  const status = $("dlg-form-status");
  function edit(d) {
    form.elements.delegation.value = d.id;
    form.elements.name.value = d.name;
    form.elements.country.value = d.country;
    form.elements.languages.value = d.languages.join(", ");
    form.elements.flag.value = d.flag;
    $("dlg-form-title").textContent = t("Edit {name}", { name: d.name });
    $("dlg-submit").textContent = t("Save the delegation");
    $("dlg-cancel").hidden = false;
    form.elements.name.focus();
  }
  function resetForm() {
    form.reset();
    form.elements.delegation.value = "";
    $("dlg-form-title").textContent = t("Add a delegation");
    $("dlg-submit").textContent = t("Add the delegation");
    $("dlg-cancel").hidden = true;
  }
  $("dlg-cancel").addEventListener("click", resetForm);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = form.elements.delegation.value;
    const data = {
      name: form.elements.name.value.trim(), country: form.elements.country.value,
      languages: form.elements.languages.value.split(/[\s,;/]+/).filter(Boolean),
      flag: form.elements.flag.value.trim(),
    };
    if (!id && !data.flag) delete data.flag;
    say(status, t("Sending…"));
    try {
      if (id) await socket.call("delegation.edit", { delegation: id, ...data });
      else await socket.call("delegation.create", data);
      say(status, t("{name} is saved.", { name: data.name }));
      resetForm();
    } catch (error) {
      say(status, t("Error: {message}", { message: error.message }), true);
      const field = form.elements[error.params.field];
      if (field) field.focus();
    }
  });

  // -- add a delegate: find a registered person, then add them --
  const memberForm = $("dlg-member");
  const memberStatus = $("dlg-member-status");
  memberForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const query = memberForm.elements.query.value.trim();
    const delegation = delegations.get(memberForm.elements.delegation.value);
    if (!delegation) {
      say(memberStatus, t("Add a delegation first."), true);
      return;
    }
    try {
      const { matches } = await socket.call("attendance.search", { query });
      say(memberStatus, matches.length
        ? tn("{count} person found.", "{count} people found.", matches.length)
        : t("Nobody found."));
      $("dlg-found").replaceChildren(...matches.map((person) => {
        const li = document.createElement("li");
        const signatory = memberForm.elements.signatory.checked;
        li.append(`${person.name} · ${person.badge} `, button(
          t("Add"), t("Add {name} to {delegation}", { name: person.name, delegation: delegation.name }),
          async () => {
            await socket.call("delegation.member", { registration: person.id,
                                                     delegation: delegation.id, signatory });
            say(memberStatus, t("{name} is a delegate of {delegation}.",
                                { name: person.name, delegation: delegation.name }));
            $("dlg-found").replaceChildren();
          }));
        return li;
      }));
    } catch (error) {
      say(memberStatus, t("Error: {message}", { message: error.message }), true);
    }
  });
}
