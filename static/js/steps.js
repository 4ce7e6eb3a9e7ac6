// PRD-03: add, remove and reorder the steps of a function access path; the DOM order is the saved order.
(function () {
  "use strict";
  var list = document.querySelector("[data-step-list]");
  var add = document.querySelector("[data-add-step]");
  if (!list || !add) return;

  function renumber() {
    Array.prototype.forEach.call(list.children, function (row, i) {
      var input = row.querySelector("input");
      input.id = "step-" + (i + 1);
      var label = row.querySelector("label");
      label.htmlFor = input.id;
      label.textContent = label.textContent.replace(/\d+/, String(i + 1));
    });
  }
  list.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    var row = button.closest(".step-row");
    if (button.dataset.move === "up" && row.previousElementSibling) {
      list.insertBefore(row, row.previousElementSibling);
    } else if (button.dataset.move === "down" && row.nextElementSibling) {
      list.insertBefore(row.nextElementSibling, row);
    } else if (button.hasAttribute("data-remove")) {
      if (list.children.length > 1) row.remove(); else row.querySelector("input").value = "";
    }
    renumber();
    row.querySelector("input").dispatchEvent(new Event("change", { bubbles: true }));
    button.focus();
  });
  add.addEventListener("click", function () {
    var row = list.lastElementChild.cloneNode(true);
    row.querySelector("input").value = "";
    list.appendChild(row);
    renumber();
    row.querySelector("input").focus();
  });
})();
