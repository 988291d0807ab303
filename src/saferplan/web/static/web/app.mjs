// Progressive enhancement for GOV.UK Frontend components, loaded as a module (no inline
// script, so the content security policy can forbid inline scripts entirely).
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
