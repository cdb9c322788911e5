/*
 * Forms marked data-drop-empty leave their empty fields out of the address they
 * submit to: "?risk_area=drugs" rather than "?q=&risk_area=drugs&partner=&status=".
 * Without this script the page redirects to the same tidy address, so nothing
 * depends on it; it only saves that round trip.
 */
(function () {
  "use strict";

  var MARK = "data-dropped";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-drop-empty")) {
      return;
    }
    // form.elements includes the controls outside it that name it (form="...").
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && !field.disabled && "value" in field && field.value.trim() === "") {
        field.disabled = true;
        field.setAttribute(MARK, "");
      }
    });
    // Nothing left to send: the bare address, not one ending in "?".
    if (!new FormData(form).keys().next().done) {
      return;
    }
    event.preventDefault();
    window.location.assign(form.action);
  });

  // Coming back to the page (the back button may restore it as it was left),
  // the fields are usable again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[" + MARK + "]"), function (field) {
      field.disabled = false;
      field.removeAttribute(MARK);
    });
  });
})();
