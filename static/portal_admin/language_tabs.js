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
      group.rows[index].hidden = !chosen;
      if (chosen && focus) {
        tab.focus();
      }
    });
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

  function build(rows, codes) {
    var first = rows[0];
    var label = fieldLabel(first);
    var tablist = document.createElement("div");
    tablist.className = "language-tabs";
    tablist.setAttribute("role", "tablist");
    tablist.setAttribute("aria-label", data.label.replace("%(field)s", label));
    var group = { tablist: tablist, tabs: [], rows: rows, codes: codes };
    rows.forEach(function (row, index) {
      var code = codes[index];
      var input = row.querySelector("input, textarea, select");
      var tab = document.createElement("button");
      var name = document.createElement("span");
      var state = document.createElement("span");
      tab.type = "button";
      tab.id = input.id + "-tab";
      tab.className = "language-tab";
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", input.id + "-panel");
      tab.lang = code;
      name.textContent = data.names[code];
      state.className = "language-tab-state";
      tab.append(name, " ", state);
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
    // Only the form's own fieldsets: inline rows (tables) keep their columns.
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
