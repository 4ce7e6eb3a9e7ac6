// PRD-03: add, remove and reorder the steps of a function access path; the DOM order is the saved order.
(function () {
  "use strict";
  var list = document.querySelector("[data-step-list]");
  var add = document.querySelector("[data-add-step]");
  if (!list || !add) return;
  var max = parseInt(list.dataset.maxSteps, 10) || 10;
  // A polite live region tells screen-reader users where a moved step went.
  var status = document.querySelector("[data-step-status]");

  function renumber() {
    Array.prototype.forEach.call(list.children, function (row, i) {
      var input = row.querySelector("input");
      input.id = "step-" + (i + 1);
      var label = row.querySelector("label");
      label.htmlFor = input.id;
      label.textContent = label.textContent.replace(/\d+/, String(i + 1));
    });
    // The server keeps at most `max` steps: offer no more rows than that.
    add.disabled = list.children.length >= max;
  }
  function announce(template, step, n) {
    if (status && template) status.textContent = template.replace("{step}", step).replace("{n}", String(n));
  }
  list.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    var row = button.closest(".step-row");
    var value = row.querySelector("input").value.trim();
    var focus = button;
    var changed = true;
    if (button.dataset.move === "up" && row.previousElementSibling) {
      list.insertBefore(row, row.previousElementSibling);
    } else if (button.dataset.move === "down" && row.nextElementSibling) {
      list.insertBefore(row.nextElementSibling, row);
    } else if (button.hasAttribute("data-remove")) {
      if (list.children.length > 1) {
        // Keep the keyboard near where it was: the step that takes this one's place, else the one before.
        var next = row.nextElementSibling || row.previousElementSibling;
        row.remove();
        focus = next.querySelector("input");
      } else {
        row.querySelector("input").value = "";
        focus = row.querySelector("input");
      }
    } else {
      changed = false; // the first step cannot go up, nor the last one down
    }
    renumber();
    if (changed) {
      // Dispatched from the list, which stays in the form even when the row was removed,
      // so unsaved.js knows the form changed.
      list.dispatchEvent(new Event("change", { bubbles: true }));
      if (button.dataset.move) {
        announce(status && status.dataset.moved, value, Array.prototype.indexOf.call(list.children, row) + 1);
      } else {
        announce(status && status.dataset.removed, value, 0);
      }
    }
    focus.focus();
  });
  add.addEventListener("click", function () {
    if (list.children.length >= max) return;
    var row = list.lastElementChild.cloneNode(true);
    row.querySelector("input").value = "";
    list.appendChild(row);
    renumber();
    row.querySelector("input").focus();
  });
  renumber();
})();
