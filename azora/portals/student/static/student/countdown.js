// The quiz timer: counts down the seconds the server said are left and submits the answers when they run out.
// The server's deadline is the truth (it refuses late answers and closes the attempt itself); without this
// file the page still shows the deadline and the submit button.
(function () {
  "use strict";

  function format(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function start(timer) {
    if (timer.dataset.started) {
      return;
    }
    timer.dataset.started = "1";
    var remaining = parseInt(timer.dataset.remaining, 10);
    if (isNaN(remaining)) {
      return;
    }
    var display = timer.querySelector("[data-time-left]");
    var announcer = timer.querySelector("[data-time-announce]");
    var form = document.getElementById(timer.dataset.form);
    var startedAt = Date.now();
    var announced = {};
    // Screen readers hear the time at a few moments, not every second.
    var milestones = [600, 300, 60, 30];
    // The answers go a moment before the deadline so that they arrive in time; the server still decides.
    var margin = parseInt(timer.dataset.submitMargin || "2", 10);

    function tick() {
      var left = Math.max(0, remaining - Math.floor((Date.now() - startedAt) / 1000));
      if (display) {
        display.textContent = format(left);
      }
      milestones.forEach(function (mark) {
        if (left <= mark && remaining > mark && !announced[mark] && announcer) {
          announced[mark] = true;
          announcer.textContent = (timer.dataset.announceText || "Time left: ") + format(left);
        }
      });
      if (left <= margin) {
        window.clearInterval(handle);
        timer.classList.add("timer-expired");
        if (announcer) {
          announcer.textContent = timer.dataset.expiredText || "Time is up; your answers are being submitted.";
        }
        if (form && !form.dataset.submitted) {
          form.dataset.submitted = "1";
          var expired = document.createElement("input");
          expired.type = "hidden";
          expired.name = "time_expired";
          expired.value = "1";
          form.appendChild(expired);
          form.submit();
        }
      }
    }

    var handle = window.setInterval(tick, 1000);
    tick();
  }

  function startAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-countdown]"), start);
  }

  document.addEventListener("DOMContentLoaded", function () {
    startAll(document);
  });
  document.addEventListener("htmx:load", function (event) {
    startAll(event.target);
  });
})();
