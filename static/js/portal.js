// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // After a failed submit, move focus to the error summary so screen readers announce it
  // and keyboard users can follow its links to the fields.
  const summary = document.getElementById("error-summary") || document.getElementById("intake-refusal");
  if (summary) {
    summary.focus();
  }
});
