// Azora's service worker: keeps the shell's static files, an offline page and the lesson pages a learner visited.
// Other pages are always fetched from the network (they may be personal) and API answers are never stored.
"use strict";

const CACHE_NAME = "{{ cache_name }}";
const OFFLINE_URL = {{ offline_url|safe }};
const PRECACHE = {{ precache|safe }};
const PRECACHED_PATHS = new Set(PRECACHE);
// The Student Portal's lesson pages (/learn/…) are kept after each visit so that a learner can read them again
// offline: network first, the stored copy when the network is gone. They are personal, so signing out forgets
// them. The portal's own static files are kept beside them so that a stored lesson keeps its look.
const LESSON_CACHE = "azora-lessons-v1";
const LESSON_PREFIX = "/learn/";
const LESSON_STATIC_PREFIX = "/static/student/";
const LOGOUT_PATH = "/accounts/logout/";

function lessonNetworkFirst(request) {
  return fetch(request)
    .then((response) => {
      if (response.ok && !response.redirected && response.type === "basic") {
        const copy = response.clone();
        caches.open(LESSON_CACHE).then((cache) => cache.put(request, copy));
      }
      return response;
    })
    .catch(() =>
      caches.open(LESSON_CACHE).then((cache) => cache.match(request)).then((stored) => stored || caches.match(OFFLINE_URL))
    );
}

function lessonStatic(request) {
  return caches.open(LESSON_CACHE).then((cache) =>
    cache.match(request).then((stored) => {
      const fresh = fetch(request).then((response) => {
        if (response.ok) {
          cache.put(request, response.clone());
        }
        return response;
      });
      return stored || fresh;
    })
  );
}

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

// A lesson page opened before this worker controlled it asks to be stored all the same (see student/lesson.js).
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "store-lesson" || typeof data.url !== "string") {
    return;
  }
  const url = new URL(data.url, self.location.origin);
  if (url.origin !== self.location.origin || !url.pathname.startsWith(LESSON_PREFIX)) {
    return;
  }
  event.waitUntil(lessonNetworkFirst(new Request(url.pathname, { credentials: "same-origin" })).catch(() => undefined));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method === "POST" && url.origin === self.location.origin && url.pathname === LOGOUT_PATH) {
    event.waitUntil(caches.delete(LESSON_CACHE));
    return;
  }
  if (request.method !== "GET") {
    return;
  }
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && url.pathname.startsWith(LESSON_PREFIX)) {
    event.respondWith(lessonNetworkFirst(request));
    return;
  }
  if (url.pathname.startsWith(LESSON_STATIC_PREFIX)) {
    event.respondWith(lessonStatic(request));
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
