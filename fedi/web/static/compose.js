// The progress page of a generation (/compose/<id>): follows its state over server-sent
// events and marks the current step; once it is done or failed, reloads to show the
// preview (or the form with the reason). Without JavaScript the page refreshes itself.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box || !window.EventSource) {
    return;
  }
  var status = document.getElementById("progress-status");
  var words = { queued: "waiting for a free easel", generating: "painting",
                processing: "finishing", done: "done", failed: "it could not be made" };
  var source = new EventSource(box.getAttribute("data-events"));
  source.addEventListener("state", function (event) {
    var data = JSON.parse(event.data);
    var steps = box.querySelectorAll("li[data-step]");
    for (var i = 0; i < steps.length; i++) {
      var current = steps[i].getAttribute("data-step") === data.state;
      steps[i].classList.toggle("current", current);
      if (current) {
        steps[i].setAttribute("aria-current", "step");
      } else {
        steps[i].removeAttribute("aria-current");
      }
    }
    if (status) {
      status.textContent = "Now: " + (words[data.state] || data.state) + ".";
    }
    if (data.state === "done" || data.state === "failed") {
      source.close();
      window.location.reload();
    }
  });
  source.addEventListener("error", function () {
    // The stream ended (or the server went away): reloading shows where it is now.
    source.close();
    window.setTimeout(function () { window.location.reload(); }, 2000);
  });
})();
