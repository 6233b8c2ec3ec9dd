// A signature drawn with a finger, stylus or mouse: SVG path data ("M x y L x y …") in a
// 600×200 box with whole numbers, as declaration.sign takes it (at most 16,000 characters).

const MAX = 16000;

export class SignaturePad {
  constructor(canvas) {
    this.canvas = canvas;
    this.context = canvas.getContext("2d");
    this.context.lineWidth = 3;
    this.context.lineCap = "round";
    this.context.lineJoin = "round";
    this.parts = [];
    this.length = 0;
    this.last = null;
    canvas.style.touchAction = "none"; // the finger draws instead of scrolling the page
    canvas.addEventListener("pointerdown", (event) => this.start(event));
    canvas.addEventListener("pointermove", (event) => this.move(event));
    for (const type of ["pointerup", "pointercancel", "pointerleave"]) {
      canvas.addEventListener(type, () => (this.last = null));
    }
  }

  point(event) {
    const box = this.canvas.getBoundingClientRect();
    const x = Math.round(((event.clientX - box.left) / box.width) * this.canvas.width);
    const y = Math.round(((event.clientY - box.top) / box.height) * this.canvas.height);
    return [Math.max(0, Math.min(this.canvas.width, x)), Math.max(0, Math.min(this.canvas.height, y))];
  }

  add(command, [x, y]) {
    const part = `${command}${x} ${y}`;
    if (this.length + part.length + 1 > MAX) return false;
    this.parts.push(part);
    this.length += part.length + 1;
    return true;
  }

  start(event) {
    event.preventDefault();
    this.canvas.setPointerCapture?.(event.pointerId);
    const p = this.point(event);
    if (!this.add("M", p)) return;
    this.last = p;
  }

  move(event) {
    if (!this.last) return;
    const p = this.point(event);
    if (Math.abs(p[0] - this.last[0]) + Math.abs(p[1] - this.last[1]) < 3) return;
    if (!this.add("L", p)) {
      this.last = null;
      return;
    }
    const c = this.context;
    c.beginPath();
    c.moveTo(...this.last);
    c.lineTo(...p);
    c.stroke();
    this.last = p;
  }

  clear() {
    this.parts = [];
    this.length = 0;
    this.last = null;
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  // The path, or "" when nothing was drawn (a lone dot is not a signature).
  get path() {
    return this.parts.some((p) => p.startsWith("L")) ? this.parts.join(" ") : "";
  }
}
