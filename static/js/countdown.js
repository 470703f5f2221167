// Counts down every <time data-countdown> from the seconds the server said were left (so a
// wrong clock on this device cannot stretch or cut the time), then reloads the page, whose
// server-rendered state then says the time ran out; with data-countdown-end="stay" it
// stops at 0:00 instead (a page that refreshes itself, like the seat page). A page loading
// it is reloaded when the browser brings it back from its back-forward cache.
(function () {
  function start(el) {
    if (el.dataset.countdownStarted) return;
    el.dataset.countdownStarted = "1";
    var end = Date.now() + Number(el.dataset.secondsLeft) * 1000;
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var minutes = Math.floor(left / 60), seconds = left % 60;
      el.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      el.classList.toggle("is-urgent", left <= 60);
      if (left === 0) {
        clearInterval(timer);
        if (el.dataset.countdownEnd !== "stay") window.location.reload();
      }
    }
    var timer = setInterval(tick, 1000);
    tick();
  }
  function startAll(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("[data-countdown]").forEach(start);
  }
  if (window.htmx) { window.htmx.onLoad(startAll); } else { startAll(document); }
  // A page with a countdown shows a hold or an order as it stood. Brought back by the
  // browser's Back button from its memory, it would offer steps already taken (a hold
  // since paid for): ask the server again instead. (The server also marks these pages
  // not to be stored, which some browsers keep in memory all the same.)
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });
})();
