// cetak dashboard: live updates. The server pushes the page's <main> as a `main` event
// whenever it changes (GET /events, server-sent events); without JavaScript the page still
// works and shows the state at load time. While someone is filling in a form inside <main>
// (a job in doubt), the update waits until they leave it, so nothing typed is lost.
(function () {
  "use strict";
  var main = document.getElementById("main");
  var live = document.getElementById("live");
  if (!main || !window.EventSource) { return; }
  var lang = document.body.getAttribute("data-lang") || "id";
  var pending = null;
  function mark(on) {
    if (!live) { return; }
    live.textContent = on ? live.getAttribute("data-on") : live.getAttribute("data-off");
    live.className = on ? "live on" : "live off";
  }
  function editing() {
    var a = document.activeElement;
    return !!a && main.contains(a) && /^(INPUT|SELECT|TEXTAREA)$/.test(a.tagName);
  }
  function apply(html) {
    main.innerHTML = html;
    document.body.setAttribute("data-updated", String(Date.now()));
  }
  var es = new EventSource("/events?lang=" + encodeURIComponent(lang));
  es.addEventListener("main", function (e) {
    mark(true);
    if (editing()) { pending = e.data; return; }
    pending = null;
    apply(e.data);
  });
  main.addEventListener("focusout", function () {
    window.setTimeout(function () {
      if (pending !== null && !editing()) { apply(pending); pending = null; }
    }, 0);
  });
  es.onopen = function () { mark(true); };
  es.onerror = function () { mark(false); };
})();
