// The voice pages without JavaScript are plain forms; this only adds
// read-aloud (the browser's own speech synthesis: nothing is recorded and
// nothing leaves the machine) and a little bounce when a face is tapped.
(function () {
  "use strict";

  function setUpReadAloud() {
    if (!("speechSynthesis" in window) || typeof SpeechSynthesisUtterance === "undefined") {
      return; // The buttons stay hidden: there is no voice to read with.
    }
    var language = document.documentElement.lang || "en";
    document.querySelectorAll("button.say").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var words = button.dataset.say || "";
        if (!words) return;
        window.speechSynthesis.cancel();
        var utterance = new SpeechSynthesisUtterance(words);
        utterance.lang = language;
        utterance.rate = 0.9;
        button.classList.add("speaking");
        var done = function () { button.classList.remove("speaking"); };
        utterance.onend = done;
        utterance.onerror = done;
        window.speechSynthesis.speak(utterance);
      });
    });
  }

  function setUpFaces() {
    document.querySelectorAll(".face input").forEach(function (input) {
      input.addEventListener("change", function () {
        var face = input.closest(".face");
        var card = input.closest(".voice-card");
        if (card) card.classList.add("answered");
        face.classList.add("pop");
        window.setTimeout(function () { face.classList.remove("pop"); }, 150);
      });
    });
    // A tapped reason can be tapped again to take it back.
    document.querySelectorAll(".chip input[type=radio]").forEach(function (input) {
      input.addEventListener("click", function () {
        if (input.dataset.wasChecked === "true") {
          input.checked = false;
        }
        document.getElementsByName(input.name).forEach(function (other) {
          other.dataset.wasChecked = String(other.checked);
        });
      });
      input.dataset.wasChecked = String(input.checked);
    });
  }

  function start() {
    setUpReadAloud();
    setUpFaces();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
