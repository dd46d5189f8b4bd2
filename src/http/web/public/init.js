// Starts GOV.UK Frontend's components; served as a file so the CSP needs no inline script.
import { initAll } from '/javascripts/govuk-frontend.min.js';

initAll();
