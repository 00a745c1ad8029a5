// Azora's web shell: progressive enhancements only; every page works without this file.
(function () {
  "use strict";

  // The service worker (served at the site root so that its scope is the whole site).
  var workerUrl = document.documentElement.getAttribute("data-service-worker");
  if (workerUrl && "serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(workerUrl, { scope: "/" }).catch(function () {
        // The site works without it; an unsupported or blocked worker changes nothing else.
      });
    });
  }

  // Copy buttons: <button data-copy="element-id" hidden> become visible and copy the element's text.
  function enableCopyButtons(root) {
    var buttons = root.querySelectorAll("button[data-copy]");
    Array.prototype.forEach.call(buttons, function (button) {
      if (button.dataset.copyReady || !navigator.clipboard) {
        return;
      }
      button.dataset.copyReady = "1";
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.getElementById(button.dataset.copy);
        var status = document.getElementById(button.dataset.copyStatus);
        if (!source) {
          return;
        }
        var text = "value" in source && source.value ? source.value : source.textContent.trim();
        navigator.clipboard.writeText(text).then(
          function () {
            if (status) {
              status.textContent = button.dataset.copiedText || "Copied.";
            }
          },
          function () {
            if (status) {
              status.textContent = button.dataset.copyFailedText || "Copying failed; select the text instead.";
            }
          }
        );
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enableCopyButtons(document);
  });
  // Fragments swapped in by HTMX get the same enhancements.
  document.addEventListener("htmx:load", function (event) {
    enableCopyButtons(event.target);
  });
})();
