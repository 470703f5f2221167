// The seat picker, live. A tap on a seat, a quantity or "Best available" asks the server,
// one request at a time and in order (the server alone applies the box office's rules);
// every 2 s a refresh names the revision of the map it shows and gets 204, and nothing
// else, while nothing changed. Answers are morphed into the page (idiomorph), so the
// scroll, the zoom, the focused seat and the selection stay where they are. Without
// JavaScript the same form works by plain page loads.
(function () {
  "use strict";
  var REFRESH_MS = 2000;
  // Attributes only this page's scripts set: a morph never takes them away.
  var OWNED = ["style", "tabindex", "data-countdown-started"];

  var form = document.querySelector("[data-seat-picker]");
  if (!form || !window.Idiomorph || !window.fetch) return;
  var callbacks = window.Idiomorph.defaults.callbacks;
  callbacks.beforeAttributeUpdated = function (name, element, kind) {
    return !(kind === "remove" && OWNED.indexOf(name) >= 0);
  };
  // Most seats do not change between two answers: leave those alone (a phone's time).
  var SAID = ["data-state", "aria-label", "aria-pressed", "aria-disabled"];
  callbacks.beforeNodeMorphed = function (old, next) {
    if (!old.dataset || !old.dataset.seatId || !next.getAttribute) return true;
    return SAID.some(function (name) {
      return old.getAttribute(name) !== next.getAttribute(name);
    });
  };

  var busy = null; // {kind: "refresh" | "action", controller}
  var waiting = []; // buttons pressed while an action was under way

  function query(submitter) {
    var data = submitter ? new FormData(form, submitter) : new FormData(form);
    data.delete("csrfmiddlewaretoken");
    data.delete("form_token");
    return new URLSearchParams(data);
  }

  function settled() {
    if (window.seatMap) window.seatMap.refresh();
    if (window.htmx) {
      window.htmx.process(form);
      window.htmx.trigger(form, "htmx:load", { elt: form }); // starts new countdowns
    }
    // The address shows the selection, so a reload keeps it.
    var shown = new URLSearchParams();
    form.querySelectorAll('input[name="seats"], input[name="gone"]').forEach(function (input) {
      shown.append(input.name, input.value);
    });
    var address = form.action + (shown.toString() ? "?" + shown : "");
    if (address !== location.href) history.replaceState(history.state, "", address);
  }

  function apply(response, html, kind, submitter) {
    var retarget = response.headers.get("HX-Retarget");
    if (retarget) {
      // An error said in words (bookmyshow.errors): it goes where messages go.
      document.querySelector(retarget).innerHTML = html;
      return;
    }
    if (!response.ok) return;
    if (kind === "action") document.getElementById("messages").innerHTML = "";
    window.Idiomorph.morph(form, html, { morphStyle: "outerHTML" });
    settled();
    if (submitter && submitter.name === "best") {
      // The seats were picked for the customer: show where they are.
      var first = form.querySelector('.seat-row > button[data-state="selected"]');
      if (first) first.scrollIntoView({ block: "center", inline: "center" });
    }
  }

  function send(kind, submitter) {
    if (busy) {
      if (kind === "refresh") return; // the next one will do
      if (busy.kind === "refresh") {
        busy.controller.abort(); // a tap goes first
      } else {
        waiting.push(submitter);
        return;
      }
    }
    var controller = new AbortController();
    var request = { kind: kind, controller: controller };
    busy = request;
    fetch(form.action + "?" + query(submitter), {
      headers: { "HX-Request": "true", "HX-Current-URL": location.href },
      credentials: "same-origin",
      signal: controller.signal,
    })
      .then(function (response) {
        if (response.status === 204 || busy !== request) return undefined;
        return response.text().then(function (html) {
          if (busy === request) apply(response, html, kind, submitter);
        });
      })
      .catch(function () {
        // Offline, or aborted for a tap: the next refresh asks again.
      })
      .finally(function () {
        if (busy !== request) return;
        busy = null;
        var next = waiting.shift();
        if (next) send("action", next);
      });
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    // Proceed is htmx's; Release and Cancel post the form to their own pages.
    if (!submitter || submitter.getAttribute("formmethod") === "post") return;
    event.preventDefault();
    if (submitter.getAttribute("aria-disabled") === "true") return; // a taken seat
    send("action", submitter);
  });

  // htmx swapped the picker (Proceed refused): the map's state is kept, see to the rest.
  form.addEventListener("htmx:afterSettle", settled);

  function refresh() {
    // Not while Proceed is under way (htmx marks it), or while the page is not shown.
    if (document.hidden || form.querySelector(".htmx-request")) return;
    send("refresh");
  }
  setInterval(refresh, REFRESH_MS);
  document.addEventListener("visibilitychange", refresh);
})();
