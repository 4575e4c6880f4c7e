/* The petition page, enhanced: the count refreshes from count.json while the page is open,
   and the share box gets a copy button. Without JavaScript the page is complete as served. */
(function () {
  "use strict";

  function formatted(value) { return Number(value).toLocaleString("en-GB"); }

  function liveCount() {
    var box = document.getElementById("signature-count");
    if (!box || !window.fetch) { return; }
    var url = box.getAttribute("data-count-url");
    var seconds = Math.max(10, parseInt(box.getAttribute("data-interval"), 10) || 10);
    var shown = parseInt(box.getAttribute("data-count"), 10);
    function set(selector, value) {
      var node = document.querySelector(selector);
      if (node && typeof value === "number") { node.textContent = formatted(value); }
    }
    function poll() {
      if (document.hidden) { return; }
      fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || typeof data.signature_count !== "number" || data.signature_count === shown) { return; }
          shown = data.signature_count;
          set("[data-count-number]", shown);
          box.querySelector("[data-count-unit]").textContent = shown === 1 ? "signature" : "signatures";
          set("[data-count-online]", data.signature_count_online);
          set("[data-count-paper]", data.signature_count_paper);
          var bar = document.getElementById("milestone-progress");
          if (bar) { bar.value = shown; }
        })
        .catch(function () { /* the count shown stays; the next poll tries again */ });
    }
    window.setInterval(poll, seconds * 1000);
  }

  function copyButton() {
    var button = document.querySelector("[data-copy-target]");
    if (!button) { return; }
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById("copy-status");
    button.hidden = false;
    function said(text) { if (status) { status.textContent = text; } }
    button.addEventListener("click", function () {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(input.value).then(
          function () { said("Link copied."); },
          function () { input.select(); said("Press Ctrl+C (or Cmd+C) to copy the selected link."); }
        );
      } else {
        input.select();
        said("Press Ctrl+C (or Cmd+C) to copy the selected link.");
      }
    });
  }

  function start() { liveCount(); copyButton(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
