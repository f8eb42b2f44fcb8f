// The packing slip's "print" button (no inline script: the site's CSP forbids it).
document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
