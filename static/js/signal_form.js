// The staff signal form: show the contact fields only once the resident agreed to be
// contacted. Without this script every field shows, with a note saying when to use them;
// the server ignores contact fields without consent either way.
document.addEventListener("DOMContentLoaded", () => {
  const contact = document.getElementById("signal-contact");
  const answers = document.querySelectorAll('input[name="consent"]');
  if (!contact || answers.length === 0) {
    return;
  }
  const update = () => {
    const chosen = document.querySelector('input[name="consent"]:checked');
    // Hidden, not cleared: what was typed comes back if the answer changes again. Before
    // any answer, fields the server flagged stay visible so the error summary's links work.
    contact.hidden = chosen ? chosen.value !== "ja" : !contact.querySelector(".utrecht-form-field--invalid");
  };
  answers.forEach((answer) => {
    answer.setAttribute("aria-controls", contact.id);
    answer.addEventListener("change", update);
  });
  update();
});
