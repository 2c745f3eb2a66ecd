// Progressive enhancement of a questionnaire section: autosave after a pause in typing, and
// live show/hide of items whose relevance changed. The server decides everything (relevance,
// calculations, validation); without this script the page works the same with the Save button.
(function () {
  "use strict";
  var form = document.getElementById("section-form");
  if (!form || form.dataset.autosave !== "on" || !window.fetch || !window.FormData) return;
  var status = document.getElementById("autosave-status");
  var timer = null, inFlight = false, pending = false, stopped = false;

  function say(text) { if (status) status.textContent = text; }

  function apply(data) {
    if (data.revisions) form.querySelector('input[name="_revisions"]').value = data.revisions;
    Object.keys(data.relevant || {}).forEach(function (key) {
      var el = document.getElementById("item-" + key);
      if (el) el.hidden = !data.relevant[key];
    });
    Object.keys(data.calculated || {}).forEach(function (key) {
      var el = document.querySelector('[data-calculated="' + key + '"]');
      if (el && el.firstChild) el.firstChild.nodeValue = data.calculated[key] || "—";
    });
  }

  function save() {
    if (stopped) return;
    if (inFlight) { pending = true; return; }
    inFlight = true;
    say(form.dataset.savingText || "Zapisywanie…");
    var body = new FormData(form);
    body.set("_action", "save");
    // Files are sent only with the Save button, never in the background.
    form.querySelectorAll('input[type="file"]').forEach(function (input) { body.delete(input.name); });
    fetch(window.location.pathname, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Autosave": "1", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      apply(result.data);
      if (result.ok) {
        say(result.data.message + " (" + new Date().toLocaleTimeString(document.documentElement.lang || "pl") + ")");
      } else {
        // A conflict needs the person's attention: stop and let them press Save, which shows
        // the other person's values. An invalid value is retried after the next change.
        if (result.data.conflict) stopped = true;
        say(result.data.message);
      }
    }).catch(function () {
      say("Brak połączenia – zmiany zapiszesz przyciskiem „Zapisz”.");
    }).finally(function () {
      inFlight = false;
      if (pending) { pending = false; save(); }
    });
  }

  function schedule(event) {
    if (event.target && event.target.type === "file") return;
    clearTimeout(timer);
    timer = setTimeout(save, 1500);
  }
  form.addEventListener("change", schedule);
  form.addEventListener("input", schedule);
  form.addEventListener("submit", function () { clearTimeout(timer); stopped = true; });
})();
