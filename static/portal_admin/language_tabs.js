/* Language tabs for the admin's translated fields (the WAI-ARIA tabs pattern).
 *
 * django-modeltranslation draws one form row per language for each translated
 * field ("Summary [en]", "Summary [fr]", ...). This script puts a row of tabs,
 * one per language, above each field's rows and shows only the chosen
 * language's row. Without it (no script) every language's row is shown.
 *
 * Keyboard: Tab reaches the chosen tab; Left and Right arrows move between the
 * tabs (mirrored on right-to-left pages), Home and End go to the first and the
 * last, and the tab reached is shown at once. Choosing a language shows it in
 * every translated field of the form, so an editor can work one language at a
 * time. A tab says when its text is empty, and when it holds an error, the
 * form opens on that language.
 *
 * Inline tables (a risk area's threats) get one row of tabs over the table:
 * the chosen language's columns are shown, the others' hidden, in every row,
 * rows added later included. A tab says when a row has a name in another
 * language but not in that one.
 *
 * What the server passes (templates/admin/catalogue_change_form.html): the
 * translated fields, the languages with their names, and the tabs' words.
 */
(function () {
  "use strict";

  var data;
  var groups = [];

  function textOf(row) {
    var input = row.querySelector("input, textarea, select");
    return input ? input.value.trim() : "";
  }

  function fieldLabel(row) {
    var label = row.querySelector("label");
    var text = label ? label.textContent : "";
    return text.replace(/\s*\[[\w-]+\]\s*:?\s*$/, "").trim();
  }

  function setState(tab, row) {
    var state = tab.querySelector(".language-tab-state");
    var hasError = row.classList.contains("errors") || !!row.querySelector(".errorlist");
    var isEmpty = !textOf(row);
    state.textContent = hasError ? data.error : isEmpty ? data.empty : "";
    state.hidden = !hasError && !isEmpty;
    tab.classList.toggle("language-tab-error", hasError);
    tab.classList.toggle("language-tab-empty", isEmpty && !hasError);
  }

  function select(group, code, focus) {
    group.tabs.forEach(function (tab, index) {
      var chosen = group.codes[index] === code;
      tab.setAttribute("aria-selected", chosen ? "true" : "false");
      tab.tabIndex = chosen ? 0 : -1;
      if (chosen && focus) {
        tab.focus();
      }
    });
    group.show(code);
  }

  function selectEverywhere(code, current) {
    groups.forEach(function (group) {
      if (group.codes.indexOf(code) !== -1) {
        select(group, code, group === current);
      }
    });
  }

  function onKeydown(event) {
    var group = this;
    var index = group.tabs.indexOf(event.target);
    if (index === -1) {
      return;
    }
    var last = group.tabs.length - 1;
    var rtl = getComputedStyle(group.tablist).direction === "rtl";
    var next = null;
    switch (event.key) {
      case "ArrowRight":
        next = rtl ? index - 1 : index + 1;
        break;
      case "ArrowLeft":
        next = rtl ? index + 1 : index - 1;
        break;
      case "Home":
        next = 0;
        break;
      case "End":
        next = last;
        break;
      default:
        return;
    }
    if (next < 0) {
      next = last;
    } else if (next > last) {
      next = 0;
    }
    event.preventDefault();
    selectEverywhere(group.codes[next], group);
  }

  function makeTablist(label) {
    var tablist = document.createElement("div");
    tablist.className = "language-tabs";
    tablist.setAttribute("role", "tablist");
    tablist.setAttribute("aria-label", data.label.replace("%(field)s", label));
    return tablist;
  }

  function makeTab(id, code, panelId) {
    var tab = document.createElement("button");
    var name = document.createElement("span");
    var state = document.createElement("span");
    tab.type = "button";
    tab.id = id;
    tab.className = "language-tab";
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-controls", panelId);
    tab.lang = code;
    name.textContent = data.names[code];
    state.className = "language-tab-state";
    tab.append(name, " ", state);
    return tab;
  }

  function build(rows, codes) {
    var first = rows[0];
    var tablist = makeTablist(fieldLabel(first));
    var group = { tablist: tablist, tabs: [], codes: codes };
    group.show = function (code) {
      rows.forEach(function (row, index) {
        row.hidden = codes[index] !== code;
      });
    };
    rows.forEach(function (row, index) {
      var code = codes[index];
      var input = row.querySelector("input, textarea, select");
      var tab = makeTab(input.id + "-tab", code, input.id + "-panel");
      row.id = input.id + "-panel";
      row.setAttribute("role", "tabpanel");
      row.setAttribute("aria-labelledby", tab.id);
      row.classList.add("language-panel");
      setState(tab, row);
      input.addEventListener("input", function () {
        setState(tab, row);
      });
      tab.addEventListener("click", function () {
        selectEverywhere(code, group);
      });
      tablist.append(tab);
      group.tabs.push(tab);
    });
    tablist.addEventListener("keydown", onKeydown.bind(group));
    first.parentNode.insertBefore(tablist, first);
    return group;
  }

  // The language of a translated column's class ("column-name_fr",
  // "field-name_fr"), or null.
  function columnLanguage(element, prefix, codes) {
    for (var i = 0; i < element.classList.length; i++) {
      var name = element.classList[i];
      if (name.indexOf(prefix) !== 0) {
        continue;
      }
      for (var j = 0; j < codes.length; j++) {
        if (name.slice(-codes[j].length - 1) === "_" + codes[j]) {
          return { field: name.slice(prefix.length, -codes[j].length - 1), code: codes[j] };
        }
      }
    }
    return null;
  }

  function buildTable(table, codes) {
    var present = [];
    var fields = [];
    table.querySelectorAll(":scope > thead th, :scope > tbody > tr > td").forEach(function (cell) {
      var column = columnLanguage(cell, cell.tagName === "TH" ? "column-" : "field-", codes);
      if (!column) {
        return;
      }
      cell.classList.add("language-cell");
      cell.dataset.language = column.code;
      if (present.indexOf(column.code) === -1) {
        present.push(column.code);
      }
      if (fields.indexOf(column.field) === -1) {
        fields.push(column.field);
      }
    });
    if (present.length < 2) {
      return null;
    }
    present = codes.filter(function (code) {
      return present.indexOf(code) !== -1;
    });
    var fieldset = table.closest("fieldset");
    var heading = fieldset && fieldset.querySelector("h2");
    var tablist = makeTablist(heading ? heading.textContent.trim() : "");
    // The table stays a table; a wrapper is the tabs' panel.
    var panel = document.createElement("div");
    panel.id = (table.closest(".inline-group").id || "inline") + "-languages";
    panel.setAttribute("role", "tabpanel");
    table.parentNode.insertBefore(panel, table);
    panel.append(table);
    panel.parentNode.insertBefore(tablist, panel);
    var group = { tablist: tablist, tabs: [], codes: present };
    // The first translated column (the name) says whether a row is written in
    // a language: a row named in one language but not in another is a gap.
    var key = fields[0];
    function rowsWithText() {
      return Array.prototype.filter.call(
        table.querySelectorAll(":scope > tbody > tr.form-row:not(.empty-form)"),
        function (row) {
          return present.some(function (code) {
            var cell = row.querySelector("td.field-" + key + "_" + code);
            return cell && textOf(cell);
          });
        }
      );
    }
    function update() {
      var rows = rowsWithText();
      group.tabs.forEach(function (tab, index) {
        var code = present[index];
        var cells = table.querySelectorAll(".language-cell[data-language='" + code + "']");
        var hasError = Array.prototype.some.call(cells, function (cell) {
          return !cell.closest(".empty-form") && !!cell.querySelector(".errorlist");
        });
        var isEmpty = rows.some(function (row) {
          var cell = row.querySelector("td.field-" + key + "_" + code);
          return cell && !textOf(cell);
        });
        var state = tab.querySelector(".language-tab-state");
        state.textContent = hasError ? data.error : isEmpty ? data.incomplete : "";
        state.hidden = !hasError && !isEmpty;
        tab.classList.toggle("language-tab-error", hasError);
        tab.classList.toggle("language-tab-empty", isEmpty && !hasError);
      });
    }
    group.show = function (code) {
      // Queried afresh: rows added since are clones of the template row.
      table.querySelectorAll(".language-cell").forEach(function (cell) {
        cell.hidden = cell.dataset.language !== code;
      });
      var index = present.indexOf(code);
      if (index !== -1) {
        panel.setAttribute("aria-labelledby", group.tabs[index].id);
      }
    };
    present.forEach(function (code) {
      var tab = makeTab(panel.id + "-" + code + "-tab", code, panel.id);
      tab.addEventListener("click", function () {
        selectEverywhere(code, group);
      });
      tablist.append(tab);
      group.tabs.push(tab);
    });
    tablist.addEventListener("keydown", onKeydown.bind(group));
    table.addEventListener("input", update);
    document.addEventListener("formset:added", update);
    document.addEventListener("formset:removed", update);
    update();
    return group;
  }

  function setUp() {
    var source = document.getElementById("language-tabs");
    if (!source) {
      return;
    }
    data = JSON.parse(source.dataset.tabs);
    data.names = {};
    data.languages.forEach(function (language) {
      data.names[language[0]] = language[1];
    });
    var codes = data.languages.map(function (language) {
      return language[0];
    });
    // The form's own fieldsets; inline tables are handled by buildTable.
    document.querySelectorAll("#content-main form fieldset.module").forEach(function (fieldset) {
      if (fieldset.closest(".inline-group")) {
        return;
      }
      data.fields.forEach(function (field) {
        var rows = [];
        var present = [];
        codes.forEach(function (code) {
          var row = fieldset.querySelector(":scope > div.form-row.field-" + field + "_" + code + ", :scope > details > div.form-row.field-" + field + "_" + code);
          if (row && row.querySelector("input, textarea, select")) {
            rows.push(row);
            present.push(code);
          }
        });
        if (rows.length > 1) {
          groups.push(build(rows, present));
        }
      });
    });
    document
      .querySelectorAll("#content-main .inline-group .tabular table")
      .forEach(function (table) {
        var group = buildTable(table, codes);
        if (group) {
          groups.push(group);
        }
      });
    if (!groups.length) {
      return;
    }
    var pageLanguage = (document.documentElement.lang || "").split("-")[0];
    var start = codes.indexOf(pageLanguage) !== -1 ? pageLanguage : codes[0];
    groups.forEach(function (group) {
      select(group, start, false);
    });
    // A language holding an error is shown first, in its field.
    groups.forEach(function (group) {
      var index = group.tabs.findIndex(function (tab) {
        return tab.classList.contains("language-tab-error");
      });
      if (index !== -1) {
        select(group, group.codes[index], false);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
