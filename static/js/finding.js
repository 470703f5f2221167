// The header: the search box as a combobox over its instant results (htmx fills the
// list), and the city picker that goes as soon as a city is picked. Without this file
// both are plain forms with a button.
(function () {
  "use strict";

  function options(list) {
    return Array.prototype.slice.call(list.querySelectorAll('[role="option"]'));
  }

  function setOpen(input, list, open) {
    input.setAttribute("aria-expanded", open ? "true" : "false");
    list.classList.toggle("is-open", open);
    if (!open) {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function activate(input, list, index) {
    var all = options(list);
    all.forEach(function (option, n) {
      option.setAttribute("aria-selected", n === index ? "true" : "false");
    });
    if (all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    }
  }

  function setUp() {
    var input = document.getElementById("site-search-q");
    var list = document.getElementById("site-search-results");
    if (input && list) {
      var active = -1;
      document.body.addEventListener("htmx:afterSwap", function (event) {
        if (event.target !== list) {
          return;
        }
        active = -1;
        setOpen(input, list, list.children.length > 0 && input.value.trim() !== "");
      });
      input.addEventListener("keydown", function (event) {
        var all = options(list);
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          if (!all.length) {
            return;
          }
          event.preventDefault();
          setOpen(input, list, true);
          active = (active + (event.key === "ArrowDown" ? 1 : all.length - 1)) % all.length;
          activate(input, list, active);
        } else if (event.key === "Enter" && active >= 0 && all[active]) {
          event.preventDefault();
          window.location.assign(all[active].href);
        } else if (event.key === "Escape") {
          setOpen(input, list, false);
          active = -1;
        }
      });
      input.addEventListener("input", function () {
        if (input.value.trim() === "") {
          list.innerHTML = "";
          setOpen(input, list, false);
        }
      });
      document.addEventListener("click", function (event) {
        if (!input.form.contains(event.target)) {
          setOpen(input, list, false);
        }
      });
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-autosubmit]"), function (select) {
      var button = select.form.querySelector(".city-picker__go");
      if (button) {
        button.hidden = true;
      }
      select.addEventListener("change", function () {
        if (select.value) {
          select.form.requestSubmit();
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
