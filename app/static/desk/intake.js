/* Take a call: the caller search box as a keyboard combobox, and the request form's live parts.
 * Search: type (results after a short pause), ↓/↑ to move, Enter to pick (the first result if none is
 * highlighted), Escape to close. Without this script the box is a plain form and results are links.
 * Form: a category fills its standard description (and its default impact and urgency until the user
 * sets them); impact × urgency shows the matrix's priority; choosing an asset shows its warranty warning
 * and, when no site is chosen, its site. */
(function () {
  "use strict";

  function callerSearch(input, list, none) {
    var timer = null;
    var active = -1;
    var latest = 0;

    function options() {
      return Array.prototype.slice.call(list.querySelectorAll("[role=option]"));
    }

    function highlight(index) {
      var items = options();
      items.forEach(function (item, i) {
        item.classList.toggle("active", i === index);
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(results) {
      list.textContent = "";
      results.forEach(function (result, i) {
        var item = document.createElement("li");
        item.className = "list-group-item";
        item.setAttribute("role", "option");
        item.id = "caller-option-" + (i + 1);
        var link = document.createElement("a");
        link.href = result.url;
        var strong = document.createElement("strong");
        strong.textContent = result.customer;
        link.appendChild(strong);
        var detail = document.createElement("small");
        detail.className = "text-muted";
        detail.textContent = " " + result.matched_on + ": " + result.detail;
        item.appendChild(link);
        item.appendChild(detail);
        list.appendChild(item);
      });
      list.hidden = results.length === 0;
      none.hidden = results.length > 0 || input.value.trim().length < 2;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      highlight(-1);
    }

    function lookup() {
      var text = input.value.trim();
      var ticket = ++latest;
      if (text.length < 2) {
        show([]);
        return;
      }
      fetch(input.dataset.lookup + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (ticket === latest) show(data.results || []);
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, 200);
    });
    input.addEventListener("keydown", function (event) {
      var items = options();
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        highlight(Math.min(active + 1, items.length - 1));
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && items.length && !list.hidden) {
        event.preventDefault();
        window.location.href = items[Math.max(active, 0)].querySelector("a").href;
      } else if (event.key === "Escape") {
        show([]);
      }
    });
  }

  function requestForm(form) {
    var category = form.querySelector("#category");
    var description = form.querySelector("#description");
    var impact = form.querySelector("#impact");
    var urgency = form.querySelector("#urgency");
    var asset = form.querySelector("#asset");
    var site = form.querySelector("#site");
    var preview = document.getElementById("priority-preview");
    var matrix = JSON.parse(preview.dataset.matrix || "{}");
    var filled = "";
    var levelsSet = false;

    function showPriority() {
      preview.textContent = matrix[impact.value + "," + urgency.value] || "—";
    }

    category.addEventListener("change", function () {
      var option = category.options[category.selectedIndex];
      var text = option.dataset.description || "";
      if (!description.value.trim() || description.value === filled) {
        description.value = text;
        filled = text;
      }
      if (!levelsSet && option.dataset.impact) {
        impact.value = option.dataset.impact;
        urgency.value = option.dataset.urgency;
        showPriority();
      }
    });
    [impact, urgency].forEach(function (select) {
      select.addEventListener("change", function () {
        levelsSet = true;
        showPriority();
      });
    });
    asset.addEventListener("change", function () {
      document.querySelectorAll("[data-asset-warning]").forEach(function (warning) {
        warning.hidden = warning.dataset.assetWarning !== asset.value;
      });
      var option = asset.options[asset.selectedIndex];
      if (!site.value && option.dataset.site) site.value = option.dataset.site;
    });
  }

  var input = document.getElementById("caller-search");
  if (input) {
    callerSearch(input, document.getElementById("caller-results"), document.getElementById("caller-none"));
  }
  var form = document.getElementById("intake-form");
  if (form) requestForm(form);
})();
