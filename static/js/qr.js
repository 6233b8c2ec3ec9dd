// QR codes as SVG, drawn in the browser: badge codes for kiosks' scanners, and the live
// page's address on the stage display for phones in the room.

import qrcode from "../vendor/qrcode-generator-2.0.4.js";

const SVG = "http://www.w3.org/2000/svg";
const QUIET = 4; // modules of white margin around the code, as the standard asks

// An <svg> of ``text`` as a QR code, named ``label`` for screen readers: one square of
// side 1 per module, in a viewBox with the quiet zone; data-version is the QR version
// (1 to 40) that the generator chose.
export function qrSvg(text, label) {
  const qr = qrcode(0, "M");
  qr.addData(text, "Byte");
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
  title.textContent = label;
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
