// The certificate page's print button (the page itself needs no script).
document.getElementById("print").addEventListener("click", () => window.print());
