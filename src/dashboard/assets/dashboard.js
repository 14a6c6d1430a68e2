// cetak dashboard: live updates. The server pushes the page's <main> as a `main` event
// whenever it changes (GET /events, server-sent events); without JavaScript the page still
// works and shows the state at load time.
(function () {
  "use strict";
  var main = document.getElementById("main");
  var live = document.getElementById("live");
  if (!main || !window.EventSource) { return; }
  var lang = document.body.getAttribute("data-lang") || "id";
  function mark(on) {
    if (!live) { return; }
    live.textContent = on ? live.getAttribute("data-on") : live.getAttribute("data-off");
    live.className = on ? "live on" : "live off";
  }
  var es = new EventSource("/events?lang=" + encodeURIComponent(lang));
  es.addEventListener("main", function (e) {
    main.innerHTML = e.data;
    document.body.setAttribute("data-updated", String(Date.now()));
    mark(true);
  });
  es.onopen = function () { mark(true); };
  es.onerror = function () { mark(false); };
})();
