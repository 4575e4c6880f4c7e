// Shows a conditional question only when its earlier answer says so (without JavaScript every
// question shows, with a note saying when to answer it; the server ignores the rest).
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) { return; }
  var conditional = Array.prototype.slice.call(form.querySelectorAll("[data-show-if]"));

  function chosen(key) {
    var inputs = form.querySelectorAll('[name="q_' + key + '"]');
    var values = [];
    Array.prototype.forEach.call(inputs, function (input) {
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked : input.value) {
        values.push(input.value);
      }
    });
    var holder = document.getElementById("question-" + key);
    return holder && holder.hidden ? [] : values;
  }

  function update() {
    conditional.forEach(function (question) {
      var wanted = question.getAttribute("data-show-values").split("|");
      var show = chosen(question.getAttribute("data-show-if")).some(function (v) {
        return wanted.indexOf(v) !== -1;
      });
      question.hidden = !show;
      var note = question.querySelector(".condition");
      if (note) { note.hidden = true; }
    });
  }

  form.addEventListener("change", update);
  update();
})();
