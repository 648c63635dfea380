// Finding one's way in a long sheet: the table of contents (closed on a phone until asked for),
// the filters (each leaf carries its flags from the server, refreshed after each save), the
// "next to decide" shortcut (Alt+N), and Enter moving on to the next sub-criterion.
(function () {
  "use strict";
  var sheet = document.getElementById("sheet");
  var toc = document.getElementById("sheet-toc");
  if (!sheet || !toc) return;
  var details = document.getElementById("toc");
  var narrow = window.matchMedia("(max-width: 1023px)");
  var filters = toc.querySelector(".sheet-filters");
  var next = document.getElementById("next-needed");
  var nextStatus = document.getElementById("next-status");
  var current = "";

  function leaves() { return Array.prototype.slice.call(sheet.querySelectorAll("article.leaf")); }
  function flags(leaf) {
    var span = leaf.querySelector(".flags");
    return span ? span.dataset.flags.split(" ") : [];
  }
  function visible(elt) { return !elt.hidden && !elt.closest("[hidden]"); }

  if (narrow.matches) details.open = false;
  filters.hidden = false;
  next.hidden = false;

  // On a phone the contents cover the page: close them once a field is chosen.
  toc.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (narrow.matches) details.open = false;
    if (target) {
      event.preventDefault();
      target.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
      history.replaceState(null, "", link.getAttribute("href"));
    }
  });

  // The field being read (the last one starting above a third of the window) is marked in the
  // contents.
  var sections = Array.prototype.slice.call(sheet.querySelectorAll("section.field-section"));
  var marking = false;
  function markCurrent() {
    marking = false;
    var line = window.innerHeight / 3, current = null;
    sections.forEach(function (section) {
      if (!section.hidden && section.getBoundingClientRect().top <= line) current = section;
    });
    toc.querySelectorAll(".toc-fields a").forEach(function (link) {
      if (current && link.getAttribute("href") === "#" + current.id) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
  }
  window.addEventListener("scroll", function () {
    if (!marking) { marking = true; requestAnimationFrame(markCurrent); }
  }, { passive: true });
  markCurrent();

  function applyFilter(name) {
    current = name;
    sheet.classList.toggle("filtering", !!name);
    var shown = 0;
    leaves().forEach(function (leaf) {
      leaf.hidden = !!name && flags(leaf).indexOf(name) < 0;
      if (!leaf.hidden) shown += 1;
    });
    sheet.querySelectorAll("section.field-section").forEach(function (section) {
      section.hidden = !!name && !section.querySelector("article.leaf:not([hidden])");
    });
    filters.querySelectorAll("button.filter").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.filter === name));
    });
    document.getElementById("filter-empty").hidden = shown > 0;
    markCurrent();
  }

  filters.addEventListener("click", function (event) {
    var button = event.target.closest("button.filter");
    if (button) applyFilter(button.dataset.filter);
  });

  function firstInput(leaf) {
    return leaf.querySelector("form.autosave input[type=text], form.autosave select, " +
                              "form.autosave input[type=checkbox], textarea");
  }

  function go(leaf) {
    leaf.scrollIntoView({ block: "center" });
    var input = firstInput(leaf);
    (input || leaf).focus({ preventScroll: true });
  }

  // The next leaf needing a decision after the one in focus (or in view), from the top again
  // at the end.
  function nextNeeded() {
    var all = leaves().filter(function (leaf) {
      return visible(leaf) && flags(leaf).indexOf("needs") >= 0;
    });
    if (!all.length) { nextStatus.textContent = next.dataset.msgNone; return; }
    nextStatus.textContent = "";
    var here = document.activeElement && document.activeElement.closest("article.leaf");
    var after = all.filter(function (leaf) {
      if (here) return here.compareDocumentPosition(leaf) & Node.DOCUMENT_POSITION_FOLLOWING;
      return leaf.getBoundingClientRect().top > 1;
    });
    go(after[0] || all[0]);
  }
  next.addEventListener("click", nextNeeded);

  // Enter in a value's box moves to the next box: the denominator of a ratio, else the same
  // stage's first box of the next shown leaf; leaving the box saves it (the form saves on change).
  sheet.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || event.shiftKey || event.altKey || event.ctrlKey) return;
    if (!input.matches("form.autosave input[type=text], form.autosave select")) return;
    event.preventDefault();
    var form = input.closest("form.autosave");
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=text], select"));
    if (boxes.indexOf(input) < boxes.length - 1) {  // a ratio's numerator, then denominator
      boxes[boxes.indexOf(input) + 1].focus();
      return;
    }
    var forms = Array.prototype.filter.call(
      sheet.querySelectorAll("form.autosave[data-stage='" + form.dataset.stage + "']"),
      visible
    );
    var following = forms[forms.indexOf(form) + 1];
    if (following) {
      var box = following.querySelector("input[type=text], select");
      box.scrollIntoView({ block: "center" });
      box.focus({ preventScroll: true });
    } else {
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
})();
