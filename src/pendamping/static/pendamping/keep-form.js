/* Keep what is typed in a form marked data-keep (sessionStorage), so that a send that fails on a weak signal loses
   nothing. The draft is stored under the form's idempotency key; the last key used on a page's URL is remembered, so
   a form opened again after a failed send gets its text back *and* its key (a resend of a contact that did arrive
   is then recognised by the server). A page that confirms a save names the key in data-keep-clear: the draft goes. */
(function () {
  "use strict";
  var store;
  try { store = window.sessionStorage; store.setItem("keep:test", "1"); store.removeItem("keep:test"); } catch (e) { return; }
  var SKIP = { csrfmiddlewaretoken: true, idempotency_key: true };

  function forget(key) {
    store.removeItem("keep:" + key);
    for (var i = store.length - 1; i >= 0; i--) {
      var name = store.key(i);
      if (name && name.indexOf("keep-last:") === 0 && store.getItem(name) === key) { store.removeItem(name); }
    }
  }

  function collect(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "file" || el.type === "submit" || el.type === "button") { return; }
      var list = data[el.name] || (data[el.name] = []);
      if (el.type === "checkbox" || el.type === "radio") { if (el.checked) { list.push(el.value); } }
      else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { if (o.selected) { list.push(o.value); } });
      } else { list.push(el.value); }
    });
    return data;
  }

  function apply(root, data) {
    var elements = root.querySelectorAll("input, select, textarea");
    Array.prototype.forEach.call(elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "file" || el.type === "hidden" || !(el.name in data)) { return; }
      var values = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") { el.checked = values.indexOf(el.value) !== -1; }
      else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
      } else if (values.length) { el.value = values[0]; }
    });
  }

  function start() {
  Array.prototype.forEach.call(document.querySelectorAll("[data-keep-clear]"), function (el) {
    var key = el.getAttribute("data-keep-clear");
    if (key) { forget(key); }
  });

  Array.prototype.forEach.call(document.querySelectorAll("form[data-keep]"), function (form) {
    var keyInput = form.querySelector("input[name=idempotency_key]");
    var page = "keep-last:" + window.location.pathname + window.location.search;
    var key = keyInput && keyInput.value ? keyInput.value : page;
    var reload = [];
    if (form.hasAttribute("data-keep-restore")) {
      var last = store.getItem(page);
      var saved = last && store.getItem("keep:" + last);
      if (saved) {
        try {
          var data = JSON.parse(saved);
          apply(form, data);
          /* a restored choice that loads a part of the form by htmx (the KUBE's members) loads it again */
          reload = Array.prototype.filter.call(form.querySelectorAll("[hx-get]"), function (el) {
            return el.name && el.name in data;
          });
          key = last;
          if (keyInput) { keyInput.value = last; }
          var note = form.querySelector("[data-keep-note]");
          if (note) { note.hidden = false; }
        } catch (e) { /* a draft that cannot be read is dropped */ store.removeItem("keep:" + last); }
      }
    }
    /* before the draft is saved again: the reloaded part gets its ticks back from the stored draft */
    reload.forEach(function (el) { el.dispatchEvent(new Event("change", { bubbles: true })); });
    function save() {
      store.setItem("keep:" + key, JSON.stringify(collect(form)));
      store.setItem(page, key);
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    /* parts loaded later (the attendance of the chosen KUBE) get back what was ticked in them */
    form.addEventListener("htmx:afterSwap", function (event) {
      var saved = store.getItem("keep:" + key);
      if (saved) { try { apply(event.target, JSON.parse(saved)); } catch (e) { /* ignore */ } }
    });
  });
  }

  /* after htmx has set up the page (it starts on DOMContentLoaded, and this script is loaded after it) */
  if (document.readyState === "complete") { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
