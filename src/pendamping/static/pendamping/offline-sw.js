/* Pendamping service worker (served at /sw.js, CONFIG is put in front of this file by the server).
   Keeps the app shell (styles, scripts, icons), the offline forms page and the worker's data for use without
   signal. Pages and data: network first, the kept copy when there is no signal. Static files: the kept copy first.
   Writes (POST) are never touched: the forms page sends them itself. */
"use strict";
const SHELL_CACHE = "pendamping-shell-" + CONFIG.version;
const DATA_CACHE = "pendamping-data";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(async (cache) => {
      await cache.addAll(CONFIG.shell);
      for (const url of [CONFIG.page, CONFIG.data]) await refresh(url).catch(() => null);
    }).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((names) => Promise.all(
      names.filter((n) => n.startsWith("pendamping-shell-") && n !== SHELL_CACHE).map((n) => caches.delete(n))
    )).then(() => self.clients.claim())
  );
});

function usable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

/* Fetch from the network and keep the answer when it is a real page or data (not a login redirect). */
async function refresh(url, request) {
  const response = await fetch(request || new Request(url, { credentials: "same-origin", cache: "no-store" }));
  if (usable(response)) {
    const type = response.headers.get("Content-Type") || "";
    const wanted = url === CONFIG.data ? type.includes("json") : type.includes("html");
    if (wanted) {
      const cache = await caches.open(DATA_CACHE);
      await cache.put(url, response.clone());
    }
  }
  return response;
}

async function kept(url) {
  const cache = await caches.open(DATA_CACHE);
  return cache.match(url);
}

async function networkFirst(event, url) {
  try {
    const response = await refresh(url, event.request);
    if (response.status < 500) return response;
    return (await keptCopy(url)) || response;  // server trouble: the kept copy, as without signal
  } catch (error) {
    const copy = await keptCopy(url);
    if (!copy) throw error;
    return copy;
  }
}

async function keptCopy(url) {
  const copy = await kept(url);
  if (!copy) return null;
  if (url !== CONFIG.data) return copy;
  const headers = new Headers(copy.headers);
  headers.set("X-Pendamping-Cache", "hit");  // the page knows it reads a kept copy
  return new Response(await copy.blob(), { status: 200, headers });
}

async function navigate(event) {
  try {
    return await fetch(event.request);
  } catch (error) {
    const copy = await kept(CONFIG.page);  // any page without signal: the offline forms
    if (copy) return copy;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === CONFIG.page || url.pathname === CONFIG.data) {
    event.respondWith(networkFirst(event, url.pathname));
  } else if (url.pathname.startsWith(CONFIG.static)) {
    event.respondWith(
      caches.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request))
    );
  } else if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  }
});

self.addEventListener("message", (event) => {
  if (event.data === "forget") {  // logged out: the next user must not see this worker's data
    event.waitUntil(caches.delete(DATA_CACHE));
  }
});
