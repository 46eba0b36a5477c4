// A read-only field marked data-select-on-focus (a calendar link) selects
// its whole text when focused or tapped, ready to copy. This lives here, not
// in an onfocus attribute, because the Content-Security-Policy forbids
// inline scripts.
(function () {
  "use strict";

  function start() {
    document.querySelectorAll("input[data-select-on-focus]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
