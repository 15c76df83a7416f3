/* Footfall UI: small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // The period picker shows one date field for day/week/month/year and two for a range.
  function syncPeriodFields(form) {
    var select = form.querySelector("[data-period-select]");
    var single = form.querySelector("[data-single-date]");
    var range = form.querySelector("[data-range-dates]");
    if (!select || !single || !range) { return; }
    var isRange = select.value === "range";
    single.hidden = isRange;
    range.hidden = !isRange;
    single.querySelectorAll("input").forEach(function (input) { input.disabled = isRange; });
    range.querySelectorAll("input").forEach(function (input) { input.disabled = !isRange; });
  }

  // Copy buttons copy the text of the element their data-copy attribute names.
  function copyFrom(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var text = source.innerText;
    var done = function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 1600);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { selectText(source); });
    } else {
      selectText(source);
      button.textContent = "Press Ctrl+C";
    }
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // Only one drop-down menu open at a time; Escape or a click elsewhere closes it.
  function closeMenus(except) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (menu !== except) { menu.removeAttribute("open"); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".period-form").forEach(function (form) {
      syncPeriodFields(form);
      form.querySelector("[data-period-select]").addEventListener("change", function () {
        syncPeriodFields(form);
      });
    });
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () { copyFrom(button); });
    });
    document.querySelectorAll("details.menu").forEach(function (menu) {
      menu.addEventListener("toggle", function () { if (menu.open) { closeMenus(menu); } });
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest("details.menu")) { closeMenus(null); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { closeMenus(null); }
    });
  });
})();
