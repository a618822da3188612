/* The site's only script, and the pages work without it: it registers the service worker
   that keeps opened briefings and centre pages for reading offline (sw.js), and, on a copy
   shown offline, writes the time it was saved in the page's own language. */
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () {
      /* no offline copies on this browser: the pages stay as they are */
    });
  }
  var notice = document.querySelector("[data-offline-notice][data-saved-at]");
  if (!notice) return;
  var saved = new Date(notice.getAttribute("data-saved-at"));
  var time = notice.querySelector("[data-saved-time]");
  if (time && !isNaN(saved.getTime())) {
    time.setAttribute("datetime", saved.toISOString());
    time.textContent = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      dateStyle: "medium",
      timeStyle: "short",
    }).format(saved);
  }
  notice.hidden = false;
})();
