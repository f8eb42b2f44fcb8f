// Ask before irreversible learning actions (withdrawing from a run, revoking a certificate).
// Forms opt in with data-confirm="question"; the CSP forbids inline handlers, hence this file.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
