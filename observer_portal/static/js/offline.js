/* The site's only script, and the pages work without it: it registers the service worker
   that keeps opened briefings and centre pages for reading offline (sw.js), and, on a copy
   shown offline, writes the time it was saved in the page's own language. */
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () {
      /* no offline copies on this browser: the pages stay as they are */
    });
    if (!document.querySelector("[data-offline-notice][data-saved-at]")) {
      // "this page is open": the worker keeps it even if it was not in place when it loaded
      navigator.serviceWorker.ready.then(function (registration) {
        if (registration.active) {
          registration.active.postMessage({ keep: location.pathname, lang: document.documentElement.lang });
        }
      });
    }
  }
  var notice = document.querySelector("[data-offline-notice][data-saved-at]");
  if (!notice) return;
  var saved = new Date(notice.getAttribute("data-saved-at"));
  var time = notice.querySelector("[data-saved-time]");
  if (time && !isNaN(saved.getTime())) {
    time.setAttribute("datetime", saved.toISOString());
    time.textContent = written(saved, document.documentElement.lang || "en");
  }
  notice.hidden = false;

  /* The time as the page's language writes it. Browsers' date data for Kazakh is thin
     ("2026 M11 27"): there, the numeric form Kazakh writes by hand ("27.11.2026, 07:03"). */
  function written(moment, lang) {
    if (lang === "kk") {
      var two = function (n) { return (n < 10 ? "0" : "") + n; };
      return two(moment.getDate()) + "." + two(moment.getMonth() + 1) + "." + moment.getFullYear() +
        ", " + two(moment.getHours()) + ":" + two(moment.getMinutes());
    }
    return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(moment);
  }
})();
