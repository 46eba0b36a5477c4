// The picture login works without JavaScript (every tap is a form post);
// this adds read-aloud with the browser's own speech synthesis (nothing is
// recorded, nothing leaves the device), keeps the taps on the page until
// the last one, and gives the print buttons something to do.
(function () {
  "use strict";

  function say(words) {
    if (!words || !("speechSynthesis" in window)) return;
    window.speechSynthesis.cancel();
    var utterance = new SpeechSynthesisUtterance(words);
    utterance.lang = document.documentElement.lang || "en";
    utterance.rate = 0.85;
    window.speechSynthesis.speak(utterance);
  }

  function setUpReadAloud() {
    if (!("speechSynthesis" in window)) return; // The buttons stay hidden.
    document.querySelectorAll("button.say").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function (event) {
        event.preventDefault();
        say(button.dataset.say);
      });
    });
  }

  function setUpPictures() {
    var form = document.querySelector("form.picture-pad");
    if (!form) return;
    var soFar = form.querySelector("input[name=so_far]");
    var length = parseInt(form.dataset.length, 10);
    var dots = form.querySelectorAll(".dots .dot");
    form.querySelectorAll("button.pad-picture").forEach(function (button) {
      button.addEventListener("click", function (event) {
        var taps = soFar.value ? soFar.value.split(" ") : [];
        if (taps.length + 1 >= length) return; // The last tap posts the form.
        event.preventDefault();
        taps.push(button.value);
        soFar.value = taps.join(" ");
        dots.forEach(function (dot, index) {
          dot.classList.toggle("filled", index < taps.length);
        });
        button.classList.add("pop");
        window.setTimeout(function () { button.classList.remove("pop"); }, 150);
      });
    });
  }

  function setUpPrint() {
    document.querySelectorAll("button[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function start() {
    setUpReadAloud();
    setUpPictures();
    setUpPrint();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
