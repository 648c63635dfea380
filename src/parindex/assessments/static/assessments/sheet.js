// Autosave safety net for the sheet: every edit is kept in localStorage until the server has
// answered it, re-sent when the connection returns or the page is opened again, and the row
// says "not saved" meanwhile. Nothing typed is lost silently.
(function () {
  "use strict";
  var sheet = document.getElementById("sheet");
  if (!sheet) return;
  var banner = document.getElementById("connection");
  var prefix = "parindex:draft:";

  function key(form) { return prefix + form.dataset.draftKey; }
  function isAutosave(elt) { return elt && elt.matches && elt.matches("form.autosave"); }
  function statusOf(form) { return form.querySelector(".status"); }

  function say(form, state, text) {
    var status = statusOf(form);
    if (!status) return;
    status.className = "status " + state;
    status.dataset.outcome = state;
    status.textContent = text;
  }

  function snapshot(form) {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") data[name] = value;
    });
    return data;
  }

  function restore(form, data) {
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || input.name === "csrfmiddlewaretoken") return;
      if (input.type === "checkbox") input.checked = data[input.name] !== undefined;
      else if (data[input.name] !== undefined) input.value = data[input.name];
    });
  }

  function pending() {
    return Array.prototype.filter.call(sheet.querySelectorAll("form.autosave"), function (f) {
      return localStorage.getItem(key(f)) !== null;
    });
  }

  function retryAll() {
    pending().forEach(function (form) { htmx.trigger(form, "parindex:retry"); });
  }

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!isAutosave(form)) return;
    try { localStorage.setItem(key(form), JSON.stringify(snapshot(form))); } catch (e) { /* full */ }
    say(form, "saving", sheet.dataset.msgSaving);
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!isAutosave(form)) return;
    var answered = event.detail.xhr && event.detail.xhr.getResponseHeader("X-Parindex-Outcome");
    if (event.detail.successful && answered) {
      // The server answered (saved, refused with a reason, or conflict): it is on screen now.
      localStorage.removeItem(key(form));
      banner.hidden = true;
    } else if (event.detail.successful || event.detail.xhr.status) {
      // Answered, but not by the save (an ended session, a server error): keep the edit.
      say(form, "unsaved", sheet.dataset.msgFailed);
    } else {
      say(form, "unsaved", sheet.dataset.msgUnsaved);
      banner.hidden = navigator.onLine;
    }
  });

  // "Save mine over it" after a conflict: the person has seen the current value.
  sheet.addEventListener("click", function (event) {
    var button = event.target.closest(".keep-mine");
    if (!button) return;
    var form = button.closest("form.autosave");
    form.querySelector("input[name=version]").value = button.dataset.version;
    htmx.trigger(form, "parindex:retry");
  });

  window.addEventListener("online", function () { banner.hidden = true; retryAll(); });
  window.addEventListener("offline", function () { banner.hidden = false; });
  setInterval(function () { if (navigator.onLine) retryAll(); }, 15000);

  window.addEventListener("beforeunload", function (event) {
    if (pending().length || sheet.querySelector(".status.saving")) {
      event.preventDefault();
      event.returnValue = sheet.dataset.msgLeave;
      return sheet.dataset.msgLeave;
    }
  });

  // Edits left from a previous visit (closed tab, lost connection): put them back and send.
  document.addEventListener("DOMContentLoaded", function () {
    pending().forEach(function (form) {
      try { restore(form, JSON.parse(localStorage.getItem(key(form)))); } catch (e) { return; }
      say(form, "unsaved", sheet.dataset.msgRestored);
    });
    setTimeout(retryAll, 300);
  });
})();
