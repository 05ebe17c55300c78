// The print button of the printable forms. A script file rather than an inline handler, so every
// page keeps to the Content-Security-Policy's script-src 'self' (docs/security.md).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
