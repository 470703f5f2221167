// The seat map's geometry and keyboard. The hall fits the width of the screen, its seats
// never smaller than a legible, tappable size (then the map scrolls sideways inside its
// own box, the page never does); the zoom buttons and two fingers zoom from the whole
// hall to large seats. The grid is one tab stop: arrow keys move between seats (a roving
// tabindex), Space or Enter picks. State lives in attributes the server never sends
// (style, tabindex), which the live refresh (seat-picker.js) leaves alone.
(function () {
  "use strict";
  var LEGIBLE = 22; // px per seat: a 19px seat with room around it
  var LARGEST_FIT = 36; // fitting a small hall never makes seats larger than this
  var MOST = 60; // zooming in stops here
  var STEP = 1.25;

  var map = document.getElementById("seat-map");
  if (!map) return;
  document.documentElement.classList.add("js");
  var viewport = map.querySelector(".seat-map__viewport");
  var chosen = null; // the pitch the customer zoomed to; null: fit the width
  var pitch = 0;

  function width() {
    return Number(map.dataset.width) || 1; // in seats (booking/grid.py)
  }
  function canvasPadding() {
    var canvas = map.querySelector(".seat-map__canvas");
    var style = getComputedStyle(canvas);
    return parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
  }
  function fit() {
    return (viewport.clientWidth - canvasPadding()) / width();
  }
  function smallest() {
    return Math.min(fit(), LEGIBLE);
  }
  function clamp(value) {
    return Math.max(smallest(), Math.min(MOST, value));
  }
  function natural() {
    return Math.max(LEGIBLE, Math.min(fit(), LARGEST_FIT));
  }

  // Set the cell size, keeping the point of the map at `anchor` (px from the viewport's
  // left edge; its middle by default) where it was.
  function setPitch(value, anchor) {
    value = Math.floor(clamp(value) * 100) / 100;
    if (anchor === undefined) anchor = viewport.clientWidth / 2;
    var before = pitch;
    var point = viewport.scrollLeft + anchor;
    pitch = value;
    map.style.setProperty("--pitch", value + "px");
    if (before) viewport.scrollLeft = point * (value / before) - anchor;
    var wide = viewport.scrollWidth > viewport.clientWidth + 1;
    map.style.setProperty("--wide", wide ? "inline" : "none");
    var tools = map.querySelectorAll("[data-zoom]");
    tools.forEach(function (button) {
      var zoomIn = button.dataset.zoom === "in";
      button.disabled = zoomIn ? value >= MOST - 0.01 : value <= smallest() + 0.01;
    });
  }

  map.addEventListener("click", function (event) {
    var button = event.target.closest("[data-zoom]");
    if (!button) return;
    chosen = clamp(button.dataset.zoom === "in" ? pitch * STEP : pitch / STEP);
    setPitch(chosen);
  });

  var pinch = null;
  function distance(touches) {
    return Math.hypot(
      touches[0].clientX - touches[1].clientX,
      touches[0].clientY - touches[1].clientY
    );
  }
  viewport.addEventListener(
    "touchstart",
    function (event) {
      if (event.touches.length === 2) {
        pinch = { distance: distance(event.touches), pitch: pitch };
      }
    },
    { passive: true }
  );
  viewport.addEventListener(
    "touchmove",
    function (event) {
      if (!pinch || event.touches.length !== 2) return;
      event.preventDefault(); // the map zooms, not the page
      var middle =
        (event.touches[0].clientX + event.touches[1].clientX) / 2 -
        viewport.getBoundingClientRect().left;
      chosen = clamp((pinch.pitch * distance(event.touches)) / pinch.distance);
      setPitch(chosen, middle);
    },
    { passive: false }
  );
  viewport.addEventListener("touchend", function (event) {
    if (event.touches.length < 2) pinch = null;
  });

  window.addEventListener("resize", function () {
    setPitch(chosen === null ? natural() : chosen);
  });

  // -- one tab stop, arrow keys inside ---------------------------------------------------

  function seats() {
    return map.querySelectorAll(".seat-row > button");
  }
  function current() {
    return map.querySelector('.seat-row > button[tabindex="0"]');
  }
  function rove(seat, focus) {
    var was = current();
    if (was && was !== seat) was.tabIndex = -1;
    seat.tabIndex = 0;
    if (focus) seat.focus();
  }
  // Exactly one seat is in the tab order: the one last focused, else the first picked,
  // else the first free one.
  function tabStop() {
    var all = seats();
    all.forEach(function (seat) {
      if (!seat.hasAttribute("tabindex")) seat.tabIndex = -1;
    });
    if (current()) return;
    var first =
      map.querySelector('.seat-row > button[data-state="selected"]') ||
      map.querySelector('.seat-row > button[data-state="available"]') ||
      all[0];
    if (first) rove(first, false);
  }

  function rowSeats(row) {
    return row ? row.querySelectorAll("button") : [];
  }
  function rowsOf() {
    return Array.prototype.slice.call(map.querySelectorAll(".seat-row"));
  }
  function nearest(row, seat) {
    var middle = seat.offsetLeft + seat.offsetWidth / 2;
    var best = null;
    rowSeats(row).forEach(function (candidate) {
      var off = Math.abs(candidate.offsetLeft + candidate.offsetWidth / 2 - middle);
      if (!best || off < best.off) best = { seat: candidate, off: off };
    });
    return best && best.seat;
  }
  function target(seat, key, ctrl) {
    var rows = rowsOf();
    var row = seat.parentElement;
    var index = rows.indexOf(row);
    var inRow = Array.prototype.slice.call(rowSeats(row));
    var at = inRow.indexOf(seat);
    var all;
    switch (key) {
      case "ArrowRight":
        if (at < inRow.length - 1) return inRow[at + 1];
        return rowSeats(rows[index + 1])[0] || null;
      case "ArrowLeft":
        if (at > 0) return inRow[at - 1];
        all = rowSeats(rows[index - 1]);
        return all[all.length - 1] || null;
      case "ArrowDown":
        return nearest(rows[index + 1], seat);
      case "ArrowUp":
        return nearest(rows[index - 1], seat);
      case "Home":
        return ctrl ? seats()[0] : inRow[0];
      case "End":
        all = ctrl ? seats() : inRow;
        return all[all.length - 1];
    }
    return undefined;
  }
  map.addEventListener("keydown", function (event) {
    var seat = event.target.closest(".seat-row > button");
    if (!seat) return;
    var next = target(seat, event.key, event.ctrlKey || event.metaKey);
    if (next === undefined) return;
    event.preventDefault();
    if (next) rove(next, true);
  });
  map.addEventListener("focusin", function (event) {
    var seat = event.target.closest(".seat-row > button");
    if (seat) rove(seat, false);
  });

  window.seatMap = {
    // After the live refresh changed the map: seats keep their tab stop; a new drawing
    // (there is none while the page is open: the layout does not change) gets one.
    refresh: function () {
      tabStop();
      setPitch(pitch || natural());
    },
  };

  // At first sight: the seats picked (coming back from logging in), else the middle.
  setPitch(natural());
  var picked = map.querySelector('.seat-row > button[data-state="selected"]');
  var middle = viewport.scrollWidth / 2;
  if (picked) {
    var box = picked.getBoundingClientRect();
    middle = box.right - viewport.getBoundingClientRect().left + viewport.scrollLeft;
  }
  viewport.scrollLeft = middle - viewport.clientWidth / 2;
  tabStop();
})();
