// Printable badges: each badge's code drawn as a QR code (SVG), from its data-code.
// The QR code holds exactly the badge code, which a kiosk's scanner types back.

import { t } from "./i18n.js";
import { qrSvg } from "./qr.js";

for (const holder of document.querySelectorAll(".badge-qr[data-code]")) {
  try {
    const code = holder.dataset.code;
    holder.replaceChildren(qrSvg(code, t("QR code of badge {code}", { code })));
  } catch {
    const problem = document.createElement("p");
    problem.className = "error";
    problem.textContent = t("This badge code cannot be made into a QR code.");
    holder.replaceChildren(problem);
  }
}

document.getElementById("print-badges")?.addEventListener("click", () => window.print());
