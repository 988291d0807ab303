// Progressive enhancement for GOV.UK Frontend components, loaded as a module (no inline
// script, so the content security policy can forbid inline scripts entirely).
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// "Copy link" buttons (data-copy="ID of the field to copy"): shown only where the browser
// can copy; the field stays selectable for copying by hand everywhere.
for (const button of document.querySelectorAll("button[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  if (!field || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = "Link copied";
    } catch {
      button.textContent = "Select the link and copy it";
    }
  });
}
