/* The portal's service worker: the briefings and centre pages a reader opened stay readable
   without a network — at a polling station, in a car between regions.

   Network first: online, every page comes from the portal as always. When a briefing or a
   centre page arrives, a copy of it is kept — fetched again without cookies, so a copy never
   holds anything personal, in the language the reader read it in — and, for a briefing, a
   copy of its centre's page (the contacts and hotlines). Offline, the kept copy is shown with
   the time it was saved (offline.js writes that time in the page's language). Nothing else
   is intercepted: forms, signed-in pages and other sites go to the network as they would. */

const CACHE = "observer-portal-offline-v1";
const ASSETS = ["/static/css/portal.css", "/static/js/offline.js", "/static/favicon.svg"];
const KEPT = /^\/(?:briefings\/[a-z0-9-]+\/[a-z0-9-]+|centres\/[a-z0-9-]+)$/;
const SAVED_AT = "X-Saved-At";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && KEPT.test(url.pathname)) {
    event.respondWith(networkFirst(event, url));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(fetch(request).catch(() => caches.match(url.pathname)));
  }
});

async function networkFirst(event, url) {
  try {
    const response = await fetch(event.request);
    if (response.ok) event.waitUntil(keep(url, response.clone()));
    return response;
  } catch (error) {
    const copy = await (await caches.open(CACHE)).match(url.pathname);
    if (!copy) throw error; // never read here before: the browser says it is offline
    return shown(copy);
  }
}

async function keep(url, response) {
  const html = await response.text();
  const lang = (html.match(/<html lang="([a-z]{2})"/) || [])[1] || "en";
  const paths = [url.pathname];
  const centre = url.pathname.match(/^\/briefings\/([a-z0-9-]+)\//);
  if (centre) paths.push("/centres/" + centre[1]);
  const cache = await caches.open(CACHE);
  for (const path of paths) {
    try {
      const copy = await fetch(path + "?lang=" + lang, { credentials: "omit" });
      if (!copy.ok) continue;
      const headers = new Headers({ "Content-Type": "text/html; charset=utf-8" });
      headers.set(SAVED_AT, new Date().toISOString());
      const policy = copy.headers.get("Content-Security-Policy");
      if (policy) headers.set("Content-Security-Policy", policy);
      await cache.put(path, new Response(await copy.text(), { headers: headers }));
    } catch (error) {
      // the network went away meanwhile: the copy kept before stays
    }
  }
}

async function shown(copy) {
  const savedAt = copy.headers.get(SAVED_AT) || "";
  const html = (await copy.text()).replace(
    "data-offline-notice hidden",
    'data-offline-notice data-saved-at="' + savedAt.replace(/[^0-9TZ:.-]/g, "") + '"'
  );
  const headers = new Headers(copy.headers);
  headers.delete(SAVED_AT);
  return new Response(html, { headers: headers });
}
