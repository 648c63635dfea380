// Behaviour every page shares, as a static file: the Content-Security-Policy allows no inline
// script and no event handler attributes (onclick=, onchange=, hx-on…).
(function () {
  "use strict";
  // A menu that acts as soon as it changes (the language menu): submit its form.
  document.addEventListener("change", function (event) {
    var select = event.target.closest && event.target.closest("select[data-submit-on-change]");
    if (select && select.form) select.form.submit();
  });
  // "Show the current value" after an edit conflict on the sheet: reload the page.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("a.take-current")) window.location.reload();
  });
})();
