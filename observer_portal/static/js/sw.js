/* The portal's service worker: the briefings and centre pages a reader opened stay readable
   without a network — at a polling station, in a car between regions.

   Network first: online, every page comes from the portal as always. When a briefing or a
   centre page arrives, a copy of it is kept — fetched again without cookies, so a copy never
   holds anything personal, in the language the reader read it in — and, for a briefing, a
   copy of its centre's page (the contacts and hotlines); a page withdrawn meanwhile (404,
   410) loses its copies. Offline, the kept copy is shown with the time it was saved
   (offline.js writes that time in the page's language). Nothing else is intercepted: forms,
   signed-in pages and other sites go to the network as they would. */

const CACHE = "observer-portal-offline-v1";
const ASSETS = ["/static/css/portal.css", "/static/js/offline.js", "/static/favicon.svg"];
// a briefing (/briefings/<centre>/<slug>, never /briefings/<number>/edit) or a centre's page
const KEPT = /^\/(?:briefings\/(?![0-9]+\/)[a-z0-9-]+\/[a-z0-9-]+|centres\/[a-z0-9-]+)$/;
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

// offline.js, on every page: "this page is open" — so the page a reader opened before the
// worker was in place (their very first) is kept too
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (typeof data.keep === "string" && KEPT.test(data.keep) && /^[a-z]{2}$/.test(data.lang || "")) {
    event.waitUntil(keep(data.keep, data.lang));
  }
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
  const lang = url.searchParams.get("lang");
  try {
    const response = await fetch(event.request);
    if (response.ok) {
      event.waitUntil(response.clone().text().then((html) => keep(url.pathname, languageOf(html))));
    } else if (response.status === 404 || response.status === 410) {
      event.waitUntil(forget(url.pathname)); // withdrawn: its copies go too
    }
    return response;
  } catch (error) {
    const cache = await caches.open(CACHE);
    // the language asked for (the switcher's ?lang=) when a copy in it was kept, else the last read
    const copy = (lang && (await cache.match(url.pathname + "?lang=" + lang))) || (await cache.match(url.pathname));
    if (!copy) throw error; // never read here before: the browser's own error page
    return shown(copy);
  }
}

function languageOf(html) {
  return (html.match(/<html lang="([a-z]{2})"/) || [])[1] || "en";
}

async function keep(path, lang) {
  const paths = [path];
  const centre = path.match(/^\/briefings\/([a-z0-9-]+)\//);
  if (centre) paths.push("/centres/" + centre[1]);
  const cache = await caches.open(CACHE);
  for (const kept of paths) {
    try {
      const copy = await fetch(kept + "?lang=" + lang, { credentials: "omit" });
      if (copy.status === 404 || copy.status === 410) {
        await forget(kept);
        continue;
      }
      if (!copy.ok) continue;
      const headers = new Headers({ "Content-Type": "text/html; charset=utf-8" });
      headers.set(SAVED_AT, new Date().toISOString());
      const policy = copy.headers.get("Content-Security-Policy");
      if (policy) headers.set("Content-Security-Policy", policy);
      const body = await copy.text();
      // the last language read answers the page's own address; each language its ?lang= one
      await cache.put(kept, new Response(body, { headers: headers }));
      await cache.put(kept + "?lang=" + lang, new Response(body, { headers: headers }));
    } catch (error) {
      // the network went away meanwhile: the copy kept before stays
    }
  }
}

async function forget(path) {
  const cache = await caches.open(CACHE);
  for (const request of await cache.keys()) {
    const kept = new URL(request.url);
    if (kept.pathname === path) await cache.delete(request);
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
