/*
 * A table wider than its box says so: the hint rendered (hidden) just before
 * each .table-scroll region shows while the table scrolls sideways, and hides
 * when it fits. Without this script the tables still scroll, their first column
 * kept in view.
 */
(function () {
  "use strict";

  function updateAll() {
    document.querySelectorAll(".table-scroll__hint").forEach(function (hint) {
      var region = hint.nextElementSibling;
      if (region && region.classList.contains("table-scroll")) {
        hint.hidden = region.scrollWidth <= region.clientWidth + 1;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", updateAll);
  window.addEventListener("resize", updateAll);
})();
