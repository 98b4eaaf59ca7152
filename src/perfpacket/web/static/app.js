// Small behaviours on top of HTMX; every form still works without them.
(function () {
  "use strict";

  // A workspace reloaded in place keeps the scroll of its wide tables.
  var kept = {};
  document.addEventListener("htmx:beforeSwap", function () {
    document.querySelectorAll("#workspace .scroll").forEach(function (el, i) {
      kept[i] = el.scrollLeft;
    });
  });
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("#workspace .scroll").forEach(function (el, i) {
      if (kept[i]) el.scrollLeft = kept[i];
    });
  });

  // A refused form's reason replaces the line about what was saved before it.
  document.addEventListener("htmx:responseError", function () {
    var saved = document.getElementById("saved");
    if (saved) saved.textContent = "";
  });

  // 9-box: dropping a name on a box opens its Move form with that box chosen; the move is
  // recorded only when the reason is written and the form sent.
  document.addEventListener("dragstart", function (event) {
    var chip = event.target.closest && event.target.closest(".chip[draggable=true]");
    if (chip) event.dataTransfer.setData("text/plain", chip.dataset.candidacy);
  });
  document.addEventListener("dragover", function (event) {
    if (event.target.closest && event.target.closest(".ninebox .box")) event.preventDefault();
  });
  document.addEventListener("drop", function (event) {
    var box = event.target.closest && event.target.closest(".ninebox .box");
    if (!box) return;
    event.preventDefault();
    var id = event.dataTransfer.getData("text/plain");
    var chip = document.querySelector('.chip[data-candidacy="' + id + '"]');
    if (!chip) return;
    var details = chip.querySelector("details");
    var select = chip.querySelector("select[name=box]");
    if (!details || !select) return;
    select.value = box.dataset.box;
    details.open = true;
    chip.querySelector("textarea").focus();
  });
})();
