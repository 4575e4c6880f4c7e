// Keyboard keying of a paper sheet: Enter moves to the next line's name, Ctrl+Enter saves,
// postcodes are shown in capitals, and a live count of keyed lines sits in the caption.
(function () {
  "use strict";
  var form = document.getElementById("keying-form");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(form.querySelectorAll("tr[data-line]"));
  var counter = document.getElementById("keyed-count");

  function keyedLines() {
    return rows.filter(function (row) {
      return Array.prototype.some.call(row.querySelectorAll("input[type=text], input[type=email]"),
        function (input) { return input.value.trim() !== ""; });
    }).length;
  }

  function showCount() {
    if (counter) { counter.textContent = "· " + keyedLines() + " keyed"; }
  }

  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.tagName !== "INPUT") { return; }
    if (event.ctrlKey || event.metaKey) {  // Ctrl+Enter saves, from any field (a tick box too)
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    var row = event.target.closest("tr[data-line]");
    if (!row) { return; }
    event.preventDefault();
    var next = rows[rows.indexOf(row) + 1];
    var target = next ? next.querySelector("input") : form.querySelector("button[type=submit]");
    target.focus();
  });

  form.addEventListener("input", showCount);
  form.addEventListener("focusout", function (event) {
    if (event.target.classList && event.target.classList.contains("input-postcode")) {
      event.target.value = event.target.value.toUpperCase();
    }
  });
  showCount();
})();
