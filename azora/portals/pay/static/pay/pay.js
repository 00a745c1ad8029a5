// The Pay UI's enhancements: print buttons, focus on the first error. Every page works without this file.
(function () {
  "use strict";

  function enhance(root) {
    Array.prototype.forEach.call(root.querySelectorAll("button[data-print]"), function (button) {
      if (button.dataset.printReady) {
        return;
      }
      button.dataset.printReady = "1";
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
    // A form that came back with errors: move focus to its summary so that a screen reader announces it.
    var summary = root.querySelector(".form-errors[tabindex]");
    if (summary) {
      summary.focus();
    }
    // A confirmation step: focus its heading so that the change of step is noticed.
    var confirm = root.querySelector("#confirm-heading");
    if (confirm) {
      confirm.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
  });
  document.addEventListener("htmx:load", function (event) {
    if (event.target !== document.body) {
      enhance(event.target);
    }
  });
})();
