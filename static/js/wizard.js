// The filing wizard: rows added and removed (ALG-03), inheritance shown on the coverage tree (ALG-05),
// and confirmations before deleting or cancelling. The server decides everything again.
(function () {
  "use strict";
  document.querySelectorAll("[data-rows]").forEach(function (table) {
    var body = table.tBodies[0];
    var add = table.closest("fieldset").querySelector("[data-add-row]");
    if (add) add.addEventListener("click", function () {
      var row = body.rows[body.rows.length - 1].cloneNode(true);
      row.querySelectorAll("input, textarea").forEach(function (el) { el.value = ""; });
      body.appendChild(row);
      row.querySelector("input, textarea").focus();
    });
    body.addEventListener("click", function (event) {
      var button = event.target.closest("[data-remove-row]");
      if (!button) return;
      var row = button.closest("tr");
      if (body.rows.length > 1) row.remove();
      else row.querySelectorAll("input, textarea").forEach(function (el) { el.value = ""; });
      body.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });

  var tree = document.querySelector("[data-coverage-tree]");
  if (tree) {
    var note = tree.dataset.coveredNote || "（已覆盖）";
    var title = tree.dataset.coveredTitle || "已通过上级勾选覆盖";
    // A box is covered when any box above it (its path, its product) is checked. The note is text in
    // the label, so screen readers say it too.
    var sync = function () {
      tree.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        var inherited = false;
        for (var li = box.closest("li").parentElement.closest("li"); li && tree.contains(li);
          li = li.parentElement.closest("li")) {
          var above = li.querySelector(":scope > label input[type=checkbox]");
          if (above && above.checked) { inherited = true; break; }
        }
        var label = box.closest("label");
        var shown = label.querySelector(".covered-note");
        label.classList.toggle("inherited", inherited);
        if (inherited && !shown) {
          shown = document.createElement("span");
          shown.className = "covered-note";
          shown.textContent = note;
          label.appendChild(shown);
        } else if (!inherited && shown) {
          shown.remove();
        }
        box.title = inherited ? title : "";
      });
    };
    tree.addEventListener("change", sync);
    sync();
  }

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  // A field's error messages describe its controls, as on the other forms: a screen reader reads the
  // message with the field, and the control is marked invalid.
  document.querySelectorAll("form.wizard .field-error").forEach(function (field) {
    var ids = [];
    field.querySelectorAll(".error").forEach(function (message, i) {
      if (!message.id) message.id = (field.id || "field") + "-error-" + i;
      ids.push(message.id);
    });
    if (!ids.length) return;
    field.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (control) {
      var described = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      control.setAttribute("aria-describedby", described.concat(ids).join(" "));
      control.setAttribute("aria-invalid", "true");
    });
  });

  // A link from step ④'s list of what is missing (…#field-name) lands on the field: its control gets
  // the focus, so typing can start there (the field itself is the scroll target).
  var focusTarget = function () {
    if (location.hash.indexOf("#field-") !== 0) return;
    var field = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var control = field && field.querySelector("input:not([type=hidden]), select, textarea");
    if (control) control.focus({ preventScroll: true });
  };
  window.addEventListener("hashchange", focusTarget);
  // After "load": the browser's own scroll to the fragment would otherwise take the focus back.
  if (document.readyState === "complete") focusTarget();
  else window.addEventListener("load", function () { setTimeout(focusTarget, 0); });

  // ALG-02: the 角色 only for 生成合成类 (code 01); 技术服务方式 only for a technical supporter.
  var algoType = document.querySelector("select[name=algo_type]");
  var generativeOnly = document.querySelector("[data-generative-only]");
  var supporterOnly = document.querySelector("[data-supporter-only]");
  var roles = document.querySelectorAll("input[name=role]");
  var toggle = function () {
    var generative = !algoType || algoType.value === "01";
    if (generativeOnly) generativeOnly.hidden = !generative;
    var checked = document.querySelector("input[name=role]:checked");
    // On step ③ the 角色 is not on the page: the server shows 技术服务方式 only to a supporter.
    if (supporterOnly && roles.length) supporterOnly.hidden = !(generative && checked && checked.value === "supporter");
  };
  if (algoType) algoType.addEventListener("change", toggle);
  roles.forEach(function (r) { r.addEventListener("change", toggle); });
  toggle();

  // ALG-12: the preview shows, as the public page will, what is typed under the four headings.
  document.querySelectorAll("[data-preview-of]").forEach(function (target) {
    var source = document.getElementById(target.dataset.previewOf);
    if (!source) return;
    var empty = target.dataset.empty || "—";
    var show = function () { target.textContent = source.value.trim() || empty; };
    source.addEventListener("input", show);
    show();
  });

  // ALG-13: every limit shown at its field before it is reached; the counter turns red past it.
  document.querySelectorAll("[data-limit]").forEach(function (field) {
    var limit = parseInt(field.dataset.limit, 10);
    var counter = document.getElementById(field.id + "_count");
    if (!counter || !limit) return;
    var show = function () {
      var n = field.value.length;
      counter.textContent = n + " / " + limit;
      counter.classList.toggle("over", n > limit);
      counter.classList.toggle("near", n <= limit && n > limit * 0.9);
    };
    field.addEventListener("input", show);
    show();
  });
})();
