/* Accessible names for the admin widgets Django draws without one.
 *
 * Linked from templates/admin/base_site.html. Django's admin builds some
 * controls with scripts, and some of them reach screen readers unnamed:
 *  - the search box of a many-to-many autocomplete (select2) has no label, and
 *    its list of chosen items holds a non-item (the clear button);
 *  - the search icon of a two-list chooser (filter_horizontal) is a span with
 *    an aria-label but no role;
 *  - the fields of a table of inline records (coverage links, threats) are
 *    labelled only by their column heading.
 * Each is named after the label or column heading a sighted editor reads.
 * The widgets redraw themselves, so new ones are named as they appear.
 */
(function () {
  "use strict";

  function labelText(element) {
    var label = element && element.id && document.querySelector('label[for="' + element.id + '"]');
    return label ? label.textContent.replace(/[:\s]+$/, "").trim() : "";
  }

  function nameAutocompletes(root) {
    root.querySelectorAll(".select2-container").forEach(function (container) {
      var select = container.previousElementSibling;
      var name = labelText(select);
      container.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
        if (name) {
          field.setAttribute("aria-label", name);
        }
      });
      container.querySelectorAll("ul.select2-selection__rendered:not([role])").forEach(function (list) {
        list.setAttribute("role", "list");
      });
    });
  }

  function nameTooltips(root) {
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function nameInlineCells(root) {
    root.querySelectorAll(".inline-group .tabular table").forEach(function (table) {
      var headings = table.querySelectorAll("thead th");
      table.querySelectorAll("tbody tr.form-row").forEach(function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          var heading = headings[index];
          var text = heading ? heading.textContent.replace(/[?:\s]+$/, "").trim() : "";
          if (!text) {
            return;
          }
          cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (control) {
            if (!labelText(control) && !control.hasAttribute("aria-label")) {
              control.setAttribute("aria-label", text);
            }
          });
        });
      });
    });
  }

  function nameAll() {
    nameAutocompletes(document);
    nameTooltips(document);
    nameInlineCells(document);
  }

  function start() {
    nameAll();
    var pending = false;
    new MutationObserver(function () {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(function () {
          pending = false;
          nameAll();
        });
      }
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
