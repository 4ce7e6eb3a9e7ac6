// ALG-13: a file over the upload limit is refused at its field as soon as it is chosen, with the message the
// server would give, instead of being sent first (the server's check stays).
(function () {
  "use strict";
  // As Django's filesizeformat writes sizes ("25.0 MB"), so the message reads as the server's would.
  function sizeText(bytes) {
    var units = [["GB", 1024 * 1024 * 1024], ["MB", 1024 * 1024], ["KB", 1024]];
    for (var i = 0; i < units.length; i++) {
      if (bytes >= units[i][1]) { return (bytes / units[i][1]).toFixed(1) + "\u00a0" + units[i][0]; }
    }
    return bytes + "\u00a0bytes";
  }
  function clear(input) {
    var old = document.getElementById(input.id + "_toolarge");
    if (old) { old.remove(); }
    input.removeAttribute("aria-invalid");
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== input.id + "_toolarge";
    });
    input.setAttribute("aria-describedby", described.join(" "));
  }
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    input.addEventListener("change", function () {
      clear(input);
      var file = input.files && input.files[0];
      if (!file || file.size <= Number(input.dataset.maxBytes)) { return; }
      var error = document.createElement("p");
      error.className = "error";
      error.id = input.id + "_toolarge";
      error.setAttribute("role", "alert");
      error.textContent = input.dataset.tooLarge.replace("{size}", sizeText(file.size));
      input.value = "";  // nothing over the limit is sent
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + error.id).trim());
      input.insertAdjacentElement("afterend", error);
      var field = input.closest(".field");
      if (field) { field.classList.add("field-error"); }
    });
  });
})();
