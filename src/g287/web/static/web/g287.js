// g287's few behaviours beyond the U.S. Web Design System's own script.
// A form sent back with errors: move focus to its error summary, so keyboard and screen-reader users hear it.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
  // "Select all" boxes: a checkbox with data-select-all="NAME" ticks every checkbox named NAME.
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll('input[type=checkbox][name="' + box.dataset.selectAll + '"]').forEach(function (b) {
        b.checked = box.checked;
      });
    });
  });
});
