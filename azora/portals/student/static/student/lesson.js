// Lesson pages: make sure this lesson is kept for offline reading even on the visit that installed the service
// worker (that first page was loaded before the worker could see it). Everything else works without this file.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext || navigator.serviceWorker.controller) {
    return;
  }
  navigator.serviceWorker.ready.then(function (registration) {
    if (registration.active) {
      registration.active.postMessage({ type: "store-lesson", url: window.location.pathname });
    }
  });
})();
