// Starts ReDoc on the API documentation page from a static file, not an inline script (SEC-05).
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  if (!container || typeof Redoc === "undefined") return;
  var options = container.dataset.settings ? JSON.parse(container.dataset.settings) : {};
  Redoc.init(container.dataset.specUrl, options, container);
})();
