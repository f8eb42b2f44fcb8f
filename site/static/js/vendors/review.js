// Review form: a rejection or a request for more must say why (the server refuses it too).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-testid=review-form]");
  if (!form) return;
  const note = form.querySelector("textarea[name=note]");
  const hint = form.querySelector("[data-reason-hint]");
  form.addEventListener("submit", (event) => {
    const action = event.submitter ? event.submitter.value : "";
    if (action !== "approved" && note && !note.value.trim()) {
      event.preventDefault();
      if (hint) hint.hidden = false;
      note.focus();
    }
  });
});
