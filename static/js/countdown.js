// Counts down every <time data-countdown> from the seconds the server said were left (so a
// wrong clock on this device cannot stretch or cut the time), then reloads the page, whose
// server-rendered state then says the time ran out; with data-countdown-end="stay" it
// stops at 0:00 instead (a page that refreshes itself, like the seat page).
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
})();
