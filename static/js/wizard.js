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
    var sync = function () {
      tree.querySelectorAll("input[data-level=product], input[data-level=path]").forEach(function (box) {
        var scope = box.closest("li");
        scope.querySelectorAll("ul input[type=checkbox]").forEach(function (child) {
          var inherited = box.checked || (child.closest("li.tree-path") && child.closest("li.tree-path") !== scope &&
            child.closest("li.tree-path").querySelector("input[data-level=path]").checked);
          child.closest("label").classList.toggle("inherited", !!inherited);
          child.title = inherited ? "已通过上级勾选覆盖" : "";
        });
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

  var roles = document.querySelectorAll("input[name=role]");
  var supporterOnly = document.querySelector("[data-supporter-only]");
  if (roles.length && supporterOnly) {
    var toggle = function () {
      var checked = document.querySelector("input[name=role]:checked");
      supporterOnly.hidden = !(checked && checked.value === "supporter");
    };
    roles.forEach(function (r) { r.addEventListener("change", toggle); });
    toggle();
  }
})();
