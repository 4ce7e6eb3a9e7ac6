// The language switcher submits as soon as a language is chosen. A listener here rather than an inline
// onchange="…" keeps every page within a Content-Security-Policy without 'unsafe-inline' (SEC-05);
// without script, the <noscript> button submits the form.
(function () {
  "use strict";
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
