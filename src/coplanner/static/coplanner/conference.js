// The conference board works as plain forms and links without JavaScript.
// This script makes it live: a tapped card opens its panel, a request is
// answered without reloading the page (the server sends back the board's
// live part, which replaces the old one), a second tapped card or a card
// dropped onto another asks for a swap. Nothing here is inline, and every
// figure comes from data- attributes, so the strict Content-Security-Policy
// (no inline script or style) holds. Every POST carries the CSRF token.
(function () {
  "use strict";

  var board = null;
  var swapFrom = null;
  var dragFrom = null;

  function live() { return board.querySelector(".live"); }

  function csrfToken() {
    var input = board.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function paint(root) {
    // Cards take their colours from classes (see activity-colours.css);
    // only the controls that need this script are shown here.
    root.querySelectorAll(".js-only").forEach(function (element) {
      element.hidden = false;
    });
  }

  function replace(html) {
    board.innerHTML = html;
    paint(board);
    setSwapMode(null);
    var focus = board.querySelector(".answer, .conf-error, #panel");
    if (focus) {
      focus.setAttribute("tabindex", "-1");
      focus.focus({ preventScroll: true });
      if (focus.scrollIntoView && !isVisible(focus)) {
        focus.scrollIntoView({ block: "nearest", behavior: "smooth" });
      }
    }
  }

  function isVisible(element) {
    var box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  }

  function fetchBoard(url, options) {
    board.classList.add("busy");
    options = options || {};
    options.headers = Object.assign({ "X-Requested-With": "fetch" }, options.headers || {});
    options.credentials = "same-origin";
    return fetch(url, options)
      .then(function (response) { return response.text(); })
      .then(function (html) {
        // Anything but the board's live part (the login page after the
        // session ended, the "page was out of date" page after a refused
        // CSRF token) must not be pasted into the board: load the board
        // afresh instead, which also gives the page a new token.
        if (html.indexOf('<div class="live"') === -1) {
          window.location.assign(board.dataset.boardUrl);
          return;
        }
        replace(html);
      })
      .catch(function () { window.location.assign(url); })
      .finally(function () { board.classList.remove("busy"); });
  }

  function post(url, data) {
    return fetchBoard(url, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": csrfToken() },
    });
  }

  function askSwap(first, second) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrfToken());
    data.append("choice", "swap");
    data.append("block", first);
    data.append("other_block", second);
    var state = live();
    if (state && state.dataset.version) data.append("version", state.dataset.version);
    var idea = board.querySelector("input[name=idea]");
    if (idea && idea.checked) data.append("idea", idea.value);
    return post(board.dataset.askUrl, data);
  }

  function setSwapMode(block) {
    swapFrom = block;
    board.classList.toggle("choosing", Boolean(block));
    var hint = board.querySelector(".swap-hint");
    if (hint) hint.hidden = !block;
  }

  function onClick(event) {
    var cancel = event.target.closest("[data-cancel-swap]");
    if (cancel) { setSwapMode(null); return; }
    var start = event.target.closest("[data-swap-from]");
    if (start) { setSwapMode(start.dataset.swapFrom); return; }
    var card = event.target.closest("a.card");
    if (card) {
      event.preventDefault();
      if (swapFrom && card.dataset.block !== swapFrom) {
        askSwap(swapFrom, card.dataset.block);
        return;
      }
      fetchBoard(board.dataset.boardUrl + "?block=" + encodeURIComponent(card.dataset.block));
      return;
    }
    var close = event.target.closest(".panel .close");
    if (close) {
      event.preventDefault();
      fetchBoard(board.dataset.boardUrl);
    }
  }

  function onSubmit(event) {
    var form = event.target;
    if (form.method.toLowerCase() !== "post") return;
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.append(event.submitter.name, event.submitter.value);
    }
    post(form.action, data);
  }

  function onDragStart(event) {
    var card = event.target.closest("a.card");
    if (!card) return;
    dragFrom = card.dataset.block;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragFrom);
  }

  function onDragOver(event) {
    var card = event.target.closest("a.card");
    if (!card || !dragFrom || card.dataset.block === dragFrom) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    card.classList.add("drop-target");
  }

  function onDragLeave(event) {
    var card = event.target.closest("a.card");
    if (card) card.classList.remove("drop-target");
  }

  function onDrop(event) {
    var card = event.target.closest("a.card");
    if (!card || !dragFrom) return;
    event.preventDefault();
    var first = dragFrom;
    dragFrom = null;
    if (card.dataset.block !== first) askSwap(first, card.dataset.block);
  }

  function onDragEnd() {
    dragFrom = null;
    board.querySelectorAll(".dragging, .drop-target").forEach(function (card) {
      card.classList.remove("dragging", "drop-target");
    });
  }

  function start() {
    board = document.getElementById("board");
    if (!board || !window.fetch || !window.FormData) return;
    paint(board);
    board.addEventListener("click", onClick);
    board.addEventListener("submit", onSubmit);
    board.addEventListener("dragstart", onDragStart);
    board.addEventListener("dragover", onDragOver);
    board.addEventListener("dragleave", onDragLeave);
    board.addEventListener("drop", onDrop);
    board.addEventListener("dragend", onDragEnd);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") setSwapMode(null);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
