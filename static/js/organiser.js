// Organiser panel: check the file before uploading, confirm a replacing import.

import { t } from "./i18n.js";

const MAX = 16 * 1024 * 1024;
const form = document.getElementById("import-form");

if (form) {
  const status = document.getElementById("import-status");
  form.addEventListener("submit", (event) => {
    const file = form.file.files[0];
    if (file && file.size > MAX) {
      event.preventDefault();
      status.textContent = t("The file is larger than 16 MiB.");
      return;
    }
    if (form.mode.value === "replace" &&
        !window.confirm(t("Replace the whole programme? Sessions missing from the file are removed."))) {
      event.preventDefault();
      return;
    }
    status.textContent = t("Importing…");
    form.querySelector("button[type=submit]").disabled = true;
  });
}
