/* Form helpers, loaded with `defer` on every page (no inline script: a CSP is coming).
 *
 * 1. Multi-selects (countries, the filter panels' states, severities, kinds...) and selects
 *    marked data-search (SKU pickers) become Tom Select pickers: type to search, chosen
 *    values shown as removable chips when the form opens, a plain click adds a value rather
 *    than replacing the selection. Without JavaScript the plain <select> still works.
 * 2. Buttons marked data-add-row="<prefix>" add a formset row by cloning
 *    <template id="<prefix>-empty-row"> and counting it in <prefix>-TOTAL_FORMS. Without
 *    JavaScript the same button submits the form, and the server answers with one more row.
 */
(function () {
  "use strict";

  // The page's language comes from /jsi18n/ (Django's JavaScript catalog), loaded first.
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace(/%s/g, function () { return values.shift(); });
  };

  function enhance(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    var multiple = select.multiple;
    var ts = new TomSelect(select, {
      // The search box stays put (in the control for chips, in the dropdown for a single
      // choice): a control that changed height on blur would move the page under the
      // pointer, and the click that closed the picker would land on nothing.
      plugins: multiple
        ? { remove_button: { title: gettext("Remove") } }
        : ["dropdown_input"],
      maxOptions: null,
      hidePlaceholder: false,
      closeAfterSelect: !multiple,
      allowEmptyOption: !multiple,
      placeholder: multiple
        ? gettext("Type to search, click to add")
        : gettext("Type a code or a name"),
      render: {
        no_results: function (data, escape) {
          return '<div class="no-results">' +
            escape(interpolate(gettext("Nothing matches “%s”"), [data.input])) + "</div>";
        },
      },
    });
    // Typing in the search box is not a change of the form: the filter panels refresh the
    // list on `input`, and should do so only when the selection itself changes.
    ts.control_input.addEventListener("input", function (event) { event.stopPropagation(); });
    // Tom Select points the <label> at its own control, so the label still names it; the
    // original select stays in the page for the form only, out of the accessibility tree.
    select.setAttribute("aria-hidden", "true");
  }

  function enhanceAll(root) {
    root.querySelectorAll("select[multiple]:not([data-plain]), select[data-search]").forEach(enhance);
  }

  function addRow(button) {
    var prefix = button.getAttribute("data-add-row");
    var template = document.getElementById(prefix + "-empty-row");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var rows = document.getElementById(prefix + "-rows");
    if (!template || !total || !rows) return false;
    var index = parseInt(total.value, 10) || 0;
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    enhanceAll(row);
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) (first.tomselect ? first.tomselect : first).focus();
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-row]");
    if (button && addRow(button)) event.preventDefault();
  });

  function start() { enhanceAll(document); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  // Pages swap parts of themselves with htmx: enhance what arrives.
  document.addEventListener("htmx:afterSettle", function (event) { enhanceAll(event.target); });
})();
