// Azora's service worker: keeps the shell's static files and an offline page, and nothing else.
// Pages are always fetched from the network (they may be personal) and API answers are never stored.
"use strict";

const CACHE_NAME = "{{ cache_name }}";
const OFFLINE_URL = {{ offline_url|safe }};
const PRECACHE = {{ precache|safe }};
const PRECACHED_PATHS = new Set(PRECACHE);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE_NAME)
      .then((cache) =>
        // Without cookies: the stored offline page must be the anonymous one.
        cache.addAll([OFFLINE_URL, ...PRECACHE].map((url) => new Request(url, { credentials: "omit", cache: "reload" })))
      )
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((name) => name.startsWith("azora-shell-") && name !== CACHE_NAME).map((name) => caches.delete(name)))
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
    return;
  }
  if (PRECACHED_PATHS.has(url.pathname) && !url.search) {
    event.respondWith(caches.match(url.pathname).then((stored) => stored || fetch(request)));
  }
});
