// Paper entry: type a letter, the cursor moves to the next answer; Backspace in an empty box
// goes back. A static file, as the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#paper-form input.answer"));
  boxes.forEach(function (box, i) {
    box.addEventListener("input", function () {
      var value = box.value.toUpperCase();
      box.value = value;
      var ok = value === "." || box.dataset.options.indexOf(value) >= 0;
      box.setAttribute("aria-invalid", value && !ok ? "true" : "false");
      if (value && ok && boxes[i + 1]) { boxes[i + 1].focus(); boxes[i + 1].select(); }
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Backspace" && !box.value && boxes[i - 1]) { boxes[i - 1].focus(); }
    });
  });
})();
