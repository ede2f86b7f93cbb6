// Announces newer posts on a timeline page: asks this server (same origin) how many entries
// are newer than the first one shown, and shows "N new posts — show". Without JavaScript the
// page works as it is: reloading it shows them.
(function () {
  "use strict";
  var feed = document.querySelector("[data-newer]");
  if (!feed) { return; }
  var notice = feed.querySelector(".new-posts");
  var link = notice && notice.querySelector("a");
  var every = 10000;
  function ask() {
    var url = feed.getAttribute("data-newer") + "?since_id=" + encodeURIComponent(feed.getAttribute("data-since"));
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { count: 0 }; })
      .then(function (answer) {
        var count = answer.count || 0;
        if (count > 0 && notice && link) {
          link.textContent = (count >= 40 ? "40+" : count) + " new post" + (count === 1 ? "" : "s") + " — show";
          notice.hidden = false;
        }
      })
      .catch(function () { /* offline for a moment: ask again later */ })
      .then(function () { window.setTimeout(ask, every); });
  }
  window.setTimeout(ask, every);
}());
