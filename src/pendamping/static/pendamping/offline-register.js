/* Registers the service worker (/sw.js) on every page; keeps the worker's offline data fresh (at most every
   10 minutes while online); on a page without a logged-in user, forgets the kept data. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  const script = document.currentScript;
  const user = script && script.dataset.user;
  const dataUrl = script && script.dataset.data;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function (registration) {
    if (!user) {
      const worker = registration.active || navigator.serviceWorker.controller;
      if (worker) worker.postMessage("forget");
      return;
    }
    const last = Number(localStorage.getItem("pendamping-data-at") || 0);
    if (navigator.onLine && dataUrl && Date.now() - last > 600000) {
      fetch(dataUrl, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && !response.redirected) localStorage.setItem("pendamping-data-at", String(Date.now()));
      }).catch(function () {});
    }
  }).catch(function () {});
})();
