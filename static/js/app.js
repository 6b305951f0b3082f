/* SocialOps' few page behaviours. Each one only improves a page that already works without
 * JavaScript: the bulk-action bar is shown, the filter panel is open, the form is rendered
 * from the address by the server.
 */
(function () {
  "use strict";

  var PHONE = window.matchMedia("(max-width: 40rem)");
  // The page's language comes from /jsi18n/ (Django's JavaScript catalog), loaded first;
  // without it (a failed load) the English strings show.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace(/%s/g, function () { return values.shift(); });
  };

  // --- The bulk-action bar: shown once a row is selected -----------------------------------

  function updateBulk(form) {
    var picked = form.querySelectorAll('input[name="ids"]:checked').length;
    form.classList.add("bulk-enhanced");
    form.classList.toggle("has-selection", picked > 0);
    var count = form.querySelector("[data-selected-count]");
    if (count) {
      count.textContent = picked
        ? interpolate(ngettext("(%s selected)", "(%s selected)", picked), [picked])
        : "";
    }
  }

  function updateAllBulk() {
    document.querySelectorAll("form[data-bulk]").forEach(updateBulk);
  }

  document.addEventListener("change", function (event) {
    // "Select all": ticks every row box of its table (no inline handler: the CSP forbids it).
    var all = event.target.getAttribute && event.target.getAttribute("data-select-all");
    if (all) {
      var table = event.target.closest("table");
      table.querySelectorAll('input[name="' + all + '"]').forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
    var form = event.target.closest && event.target.closest("form[data-bulk]");
    if (form) updateBulk(form);
  });

  // --- Forms that apply on change (the language picker): no button needed with JavaScript --
  // A choice made with the pointer applies at once. From the keyboard, arrows step through
  // the options and each step is a change: applying it would reload the page under the
  // person's fingers, so the form's button comes back and applies the choice when pressed.

  var keyed = false;

  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.classList.add("autosubmit-enhanced");
  });

  document.addEventListener("keydown", function (event) {
    if (event.target.closest && event.target.closest("form[data-autosubmit]")) keyed = true;
  }, true);

  document.addEventListener("pointerdown", function () { keyed = false; }, true);

  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form[data-autosubmit]");
    if (!form) return;
    if (keyed) {
      form.classList.add("autosubmit-pending");
      return;
    }
    form.requestSubmit ? form.requestSubmit() : form.submit();
  });

  // --- Filters: the fields show what the address (and so the list) uses -------------------

  function wanted(field, params) {
    if (params.has(field.name)) return params.getAll(field.name);
    // A field with a meaning when the address names none (the queue's standing states).
    var fallback = field.getAttribute("data-default");
    return fallback ? fallback.split(" ") : [];
  }

  function syncFilters(form) {
    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "submit" || field.type === "button") return;
      var values = wanted(field, params);
      if (field.type === "hidden") {
        if (params.has(field.name)) field.value = values[0];
      } else if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values.indexOf(field.value) !== -1;
      } else if (field.tagName === "SELECT") {
        var any = false;
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = values.indexOf(option.value) !== -1;
          any = any || option.selected;
        });
        if (!any && !field.multiple) field.selectedIndex = 0;
      } else {
        field.value = values.length ? values[0] : "";
      }
    });
    // For widgets drawn over the fields (a searchable multi-select), to redraw themselves.
    form.dispatchEvent(new CustomEvent("filters:restored", { bubbles: true }));
  }

  function syncAllFilters() {
    document.querySelectorAll("form[data-sync-url]").forEach(syncFilters);
  }

  // --- The filter panel: closed on a phone, so the first result shows without scrolling ----

  function collapseOnPhone() {
    if (!PHONE.matches) return;
    document.querySelectorAll("details[data-collapse-on-phone]").forEach(function (panel) {
      // A filter with an error stays in sight.
      if (!panel.querySelector(".has-error")) panel.open = false;
    });
  }

  // --- Wide content that scrolls sideways in its box: reachable from the keyboard ----------

  function nameOf(box) {
    var caption = box.querySelector("caption, h2, h3");
    var text = caption ? caption.textContent.trim() : "";
    return text
      ? interpolate(gettext("%s (scrolls sideways)"), [text])
      : gettext("Scrolls sideways");
  }

  function keyboardScroll() {
    document.querySelectorAll(".table-scroll, .timeline-scroll, .card").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-focus", "");
        if (!box.hasAttribute("role")) {
          box.setAttribute("data-scroll-focus", "role");
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", nameOf(box));
        }
      } else if (!scrolls && box.hasAttribute("data-scroll-focus")) {
        if (box.getAttribute("data-scroll-focus") === "role") {
          box.removeAttribute("role");
          box.removeAttribute("aria-label");
        }
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-focus");
      }
    });
  }

  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(keyboardScroll, 150);
  });

  function refresh() {
    syncAllFilters();
    updateAllBulk();
    keyboardScroll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    collapseOnPhone();
    refresh();
  });
  // Back and Forward: the page from the browser's cache, or htmx's restored snapshot, keep
  // the fields as they were typed on another entry; the address is the truth.
  window.addEventListener("pageshow", refresh);
  window.addEventListener("popstate", function () {
    window.setTimeout(refresh, 0);
  });
  document.addEventListener("htmx:historyRestore", refresh);
  document.addEventListener("htmx:afterSettle", function () {
    updateAllBulk();
    keyboardScroll();
  });
})();
