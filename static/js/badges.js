// Printable badges: each badge's code drawn as a QR code (SVG), from its data-code.
// The QR code holds exactly the badge code, which a kiosk's scanner types back.

import qrcode from "/static/vendor/qrcode-generator-2.0.4.js";
import { t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const QUIET = 4; // modules of white margin around the code, as the standard asks

// An <svg> of the code: one square of side 1 per module, in a viewBox with the quiet
// zone; data-version is the QR version (1 to 40) that the generator chose.
export function qrSvg(code) {
  const qr = qrcode(0, "M");
  qr.addData(code, "Byte");
  qr.make();
  const count = qr.getModuleCount();
  const size = count + 2 * QUIET;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("shape-rendering", "crispEdges");
  svg.setAttribute("data-version", String((count - 17) / 4));
  svg.setAttribute("data-modules", String(count));
  const title = document.createElementNS(SVG, "title");
  title.textContent = t("QR code of badge {code}", { code });
  svg.append(title);
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#fff");
  svg.append(background);
  const squares = [];
  for (let row = 0; row < count; row += 1) {
    for (let col = 0; col < count; col += 1) {
      if (qr.isDark(row, col)) squares.push(`M${col + QUIET} ${row + QUIET}h1v1h-1z`);
    }
  }
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", squares.join(""));
  path.setAttribute("fill", "#000");
  svg.append(path);
  return svg;
}

for (const holder of document.querySelectorAll(".badge-qr[data-code]")) {
  try {
    holder.replaceChildren(qrSvg(holder.dataset.code));
  } catch {
    const problem = document.createElement("p");
    problem.className = "error";
    problem.textContent = t("This badge code cannot be made into a QR code.");
    holder.replaceChildren(problem);
  }
}

document.getElementById("print-badges")?.addEventListener("click", () => window.print());
