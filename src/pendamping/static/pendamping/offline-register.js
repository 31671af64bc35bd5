/* Registers the service worker (/sw.js) for a logged-in user; keeps the worker's offline data fresh (at most every
   10 minutes while online; the offline forms page fetches its own); on a page without a logged-in user (after a
   logout), tells an installed worker to forget the kept data. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  const script = document.currentScript;
  const user = script && script.dataset.user;
  const dataUrl = script && script.dataset.data;
  if (!user) {
    navigator.serviceWorker.getRegistration("/").then(function (registration) {
      const worker = registration && registration.active;
      if (worker) worker.postMessage("forget");
    }).catch(function () {});
    return;
  }
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
    if (document.getElementById("offline-app")) return;
    const last = Number(localStorage.getItem("pendamping-data-at") || 0);
    if (navigator.onLine && dataUrl && Date.now() - last > 600000) {
      fetch(dataUrl, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && !response.redirected) localStorage.setItem("pendamping-data-at", String(Date.now()));
      }).catch(function () {});
    }
  }).catch(function () {});
})();
