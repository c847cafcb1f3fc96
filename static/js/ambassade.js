// Behaviour shared by every page, kept out of the HTML so that the
// Content-Security-Policy can refuse inline scripts, event handlers and styles.
"use strict";
(function () {
  // Selects that act as soon as they change (the organization switch).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });
  // Destructive actions ask first.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // Read-only fields meant to be copied select their whole text on a click.
  document.querySelectorAll("input[data-select-on-click]").forEach(function (input) {
    input.addEventListener("click", function () {
      input.select();
    });
  });
  // Progress bars: the width comes from data-width, a percentage (French pages may
  // write a decimal comma), kept between 0 and 100.
  document.querySelectorAll("[data-width]").forEach(function (bar) {
    var value = parseFloat(String(bar.dataset.width).replace(",", "."));
    if (isNaN(value)) value = 0;
    bar.style.width = Math.max(0, Math.min(100, value)) + "%";
  });
})();
