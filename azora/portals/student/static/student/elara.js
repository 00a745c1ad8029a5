// Elara's chat: streams the answer into the conversation. Without this file the same form posts and the page reloads
// with the stored answer (post/redirect/get), so nothing here is needed to ask.
(function () {
  "use strict";

  if (!window.fetch || !window.TextDecoder || !window.ReadableStream || !window.FormData) {
    return;
  }

  function text(element, value) {
    if (element) {
      element.textContent = value;
    }
  }

  function showError(form, message) {
    var box = form.querySelector("[data-elara-error]");
    var field = form.querySelector("textarea[name=text]");
    if (box) {
      box.textContent = message;
      box.hidden = false;
    }
    if (field) {
      field.setAttribute("aria-invalid", "true");
    }
  }

  function clearError(form) {
    var box = form.querySelector("[data-elara-error]");
    var field = form.querySelector("textarea[name=text]");
    if (box) {
      box.textContent = "";
      box.hidden = true;
    }
    if (field) {
      field.removeAttribute("aria-invalid");
    }
  }

  // One server-sent event block ("event: x\ndata: {...}") as {event, data}.
  function parseEvent(block) {
    var event = "message";
    var data = [];
    block.split("\n").forEach(function (line) {
      if (line.indexOf("event:") === 0) {
        event = line.slice(6).trim();
      } else if (line.indexOf("data:") === 0) {
        data.push(line.slice(5).replace(/^ /, ""));
      }
    });
    try {
      return { event: event, data: data.length ? JSON.parse(data.join("\n")) : {} };
    } catch (error) {
      return null;
    }
  }

  // The learner's question and a place for the answer while it streams; replaced by the stored exchange at the end.
  function draft(thread, form, question) {
    var empty = thread.querySelector("[data-elara-empty]");
    if (empty) {
      empty.remove();
    }
    var mine = document.createElement("article");
    mine.className = "elara-message elara-user elara-draft";
    var who = document.createElement("p");
    who.className = "elara-who";
    var name = document.createElement("strong");
    name.textContent = form.dataset.youLabel || "You";
    who.appendChild(name);
    mine.appendChild(who);
    var body = document.createElement("div");
    body.className = "elara-text";
    var paragraph = document.createElement("p");
    paragraph.textContent = question;
    body.appendChild(paragraph);
    mine.appendChild(body);

    var answer = document.createElement("article");
    answer.className = "elara-message elara-assistant elara-draft";
    var agent = document.createElement("p");
    agent.className = "elara-who";
    var agentName = document.createElement("strong");
    agentName.textContent = "Elara";
    agent.appendChild(agentName);
    answer.appendChild(agent);
    var why = document.createElement("p");
    why.className = "elara-why";
    why.hidden = true;
    answer.appendChild(why);
    var streamed = document.createElement("div");
    streamed.className = "elara-text elara-streaming";
    answer.appendChild(streamed);

    thread.appendChild(mine);
    thread.appendChild(answer);
    return { question: mine, answer: answer, agentName: agentName, why: why, text: streamed };
  }

  function finish(thread, parts, data, form) {
    var holder = document.createElement("div");
    holder.innerHTML = data.html; // rendered and escaped by the server (Django templates)
    parts.question.remove();
    var nodes = Array.prototype.slice.call(holder.children);
    parts.answer.replaceWith.apply(parts.answer, nodes);
    if (window.htmx) {
      nodes.forEach(function (node) {
        window.htmx.process(node); // the feedback form posts with HTMX like the server-rendered ones
      });
    }
    // The first question of a lesson's panel started a thread: the next questions go to it.
    if (data.send_url && data.stream_url) {
      form.action = data.send_url;
      form.dataset.streamUrl = data.stream_url;
      var marker = form.querySelector("[data-elara-new]");
      if (marker) {
        marker.remove();
      }
    }
    var link = document.querySelector("[data-elara-conversation-link]");
    if (link && data.conversation_url) {
      link.href = data.conversation_url;
    }
  }

  function ask(form) {
    var field = form.querySelector("textarea[name=text]");
    var thread = document.getElementById(form.dataset.thread || "");
    var status = form.querySelector("[data-elara-status]");
    var button = form.querySelector("button[type=submit]");
    var question = field ? field.value : "";
    var body = new FormData(form);
    var token = body.get("csrfmiddlewaretoken") || "";
    var parts = null;
    var finished = false;

    clearError(form);
    if (button) {
      button.disabled = true;
    }
    if (thread) {
      thread.setAttribute("aria-busy", "true");
    }
    text(status, form.dataset.waitingLabel || "…");

    function failed(message) {
      if (parts) {
        parts.question.remove();
        parts.answer.remove();
      }
      showError(form, message);
      text(status, "");
    }

    function handle(item) {
      if (!item) {
        return;
      }
      if (item.event === "agent") {
        if (!parts && thread) {
          parts = draft(thread, form, question);
        }
        if (parts) {
          parts.agentName.textContent = item.data.name || "Elara";
        }
        text(status, item.data.note || "");
      } else if (item.event === "delta") {
        if (!parts && thread) {
          parts = draft(thread, form, question);
        }
        if (parts) {
          parts.text.appendChild(document.createTextNode(item.data.text || ""));
        }
      } else if (item.event === "done") {
        finished = true;
        if (parts && thread) {
          finish(thread, parts, item.data, form);
        }
        if (field) {
          field.value = "";
        }
        text(status, form.dataset.doneLabel || "");
      } else if (item.event === "error") {
        finished = true;
        failed(item.data.detail || form.dataset.failedLabel || "");
      }
    }

    fetch(form.dataset.streamUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, Accept: "text/event-stream" },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("text/event-stream") !== 0 || !response.body) {
          throw new Error("not a stream");
        }
        var reader = response.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) {
              if (buffer.trim()) {
                handle(parseEvent(buffer.trim()));
              }
              return;
            }
            buffer += decoder.decode(chunk.value, { stream: true });
            var end = buffer.indexOf("\n\n");
            while (end !== -1) {
              handle(parseEvent(buffer.slice(0, end)));
              buffer = buffer.slice(end + 2);
              end = buffer.indexOf("\n\n");
            }
            return pump();
          });
        }
        return pump();
      })
      .catch(function () {
        finished = false;
      })
      .then(function () {
        if (!finished) {
          failed(form.dataset.failedLabel || "The answer was interrupted. Please ask again.");
        }
        if (thread) {
          thread.setAttribute("aria-busy", "false");
        }
        if (button) {
          button.disabled = false;
        }
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.streamUrl || !form.dataset.thread) {
      return;
    }
    if (!document.getElementById(form.dataset.thread)) {
      return; // no conversation on this page to stream into: the plain post does it
    }
    event.preventDefault();
    ask(form);
  });

  // The lesson's panel arrives after the page (HTMX): what the learner already typed into the page's own form moves
  // into the panel's form instead of being lost.
  var typed = "";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail && event.detail.target;
    var field = target && target.id === "elara-panel" ? target.querySelector("textarea[name=text]") : null;
    typed = field ? field.value : "";
  });
  document.addEventListener("htmx:load", function (event) {
    var panel = event.target;
    if (!typed || !panel || panel.id !== "elara-panel") {
      return;
    }
    var field = panel.querySelector("textarea[name=text]");
    if (field && !field.value) {
      field.value = typed;
    }
    typed = "";
  });

  // Ctrl+Enter (or Cmd+Enter) sends the question.
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || !(field instanceof HTMLTextAreaElement)) {
      return;
    }
    var form = field.form;
    if (form && form.dataset.streamUrl !== undefined && typeof form.requestSubmit === "function") {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
