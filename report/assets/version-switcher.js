/*
 * Version switcher and old-version banner for a versioned kmeans-report site.
 *
 * Every page includes <script src="assets/version-switcher.js" defer></script>. Published
 * versions are never rebuilt, so everything that depends on releases made later (the list of
 * versions, "this is an old version", the canonical URL) is worked out here, at run time, from
 * the site root's versions.json.
 *
 * Layout it expects (see report/publish/__init__.py):  <root>/versions.json
 *                                              <root>/<version or alias>/assets/version-switcher.js
 * The version folder and the site root are derived from this script's own URL, so the site
 * works at a domain root or under a sub-path (GitHub project pages) alike.
 *
 * When the page is not inside a published tree (no versions.json, file://, served at the
 * domain root) it does nothing and logs nothing. No network access besides the site itself.
 */
(function () {
  "use strict";

  var DEFAULT_ALIAS = "latest";
  var root = document.documentElement;

  function done(state) {
    // Lets tests (and curious readers) see what the switcher decided.
    root.setAttribute("data-version-switcher", state);
  }

  var script = document.currentScript ||
    document.querySelector('script[src$="version-switcher.js"]');
  if (!script || !window.fetch || !window.URL || !Array.prototype.filter) return;
  if (location.protocol !== "http:" && location.protocol !== "https:") {
    // file:// pages cannot fetch versions.json without a console error: stay silent.
    done("none");
    return;
  }

  var scriptUrl = new URL(script.src, document.baseURI);
  var folderUrl = new URL("../", scriptUrl); // <root>/<folder>/
  var rootUrl = new URL("../", folderUrl); // <root>/
  if (folderUrl.href === rootUrl.href) {
    done("none"); // a site served at the domain root is not a published version
    return;
  }
  var folder = decodeURIComponent(folderUrl.pathname.slice(rootUrl.pathname.length, -1));
  // Published folders are PEP 440 versions (start with a digit) or aliases (start with a
  // letter). Anything else (e.g. _site/) is an unpublished build: don't probe for versions.json.
  if (!/^(\d[^\/]*|[A-Za-z][A-Za-z0-9_-]*)$/.test(folder)) {
    done("none");
    return;
  }
  // The page's path inside its version folder ("" for the folder index).
  var page = location.pathname.indexOf(folderUrl.pathname) === 0
    ? location.pathname.slice(folderUrl.pathname.length)
    : "";

  function urlIn(folderName, path) {
    return new URL(encodeURIComponent(folderName) + "/" + path, rootUrl).href;
  }

  function go(folderName) {
    // Stay on the same page if the target version has it, else go to its front page.
    var front = urlIn(folderName, "");
    if (!page || page === "index.html") {
      location.href = front;
      return;
    }
    var same = urlIn(folderName, page);
    fetch(same, { method: "HEAD", cache: "no-cache" })
      .then(function (response) {
        location.href = response.ok ? same + location.hash : front;
      })
      .catch(function () {
        location.href = front;
      });
  }

  function validEntry(entry) {
    return entry && typeof entry.version === "string" && entry.version !== "" &&
      (entry.aliases === undefined || Array.isArray(entry.aliases));
  }

  function find(list, test) {
    for (var i = 0; i < list.length; i++) if (test(list[i])) return list[i];
    return null;
  }

  function aliasesOf(entry) {
    return entry.aliases || [];
  }

  function loadStyles() {
    if (document.querySelector("link[data-version-switcher]")) return;
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = new URL("version-switcher.css", scriptUrl).href;
    link.setAttribute("data-version-switcher", "");
    document.head.appendChild(link);
  }

  function buildSwitcher(entries, current) {
    var wrap = document.createElement("div");
    wrap.className = "vs-switcher";
    var label = document.createElement("label");
    label.className = "vs-label";
    label.htmlFor = "vs-select";
    label.textContent = "Version";
    var select = document.createElement("select");
    select.id = "vs-select";
    select.className = "vs-select";
    entries.forEach(function (entry) {
      var option = document.createElement("option");
      option.value = entry.version;
      var aliases = aliasesOf(entry);
      option.textContent = entry.version + (aliases.length ? " (" + aliases.join(", ") + ")" : "");
      option.selected = entry.version === current.version;
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      if (select.value !== current.version) go(select.value);
    });
    wrap.appendChild(label);
    wrap.appendChild(select);

    var slot = document.getElementById("version-switcher");
    if (slot) {
      slot.appendChild(wrap);
      return;
    }
    // Quarto's navbar: beside its tools (search, PDF). Otherwise, in order of preference
    // (one querySelector with a list would pick document order).
    var tools = document.querySelector(".quarto-navbar-tools");
    if (tools) {
      tools.insertBefore(wrap, tools.firstChild);
      return;
    }
    var host = document.querySelector("header nav") || document.querySelector("nav.navbar") ||
      document.querySelector("header") || document.body;
    host.insertBefore(wrap, host.firstChild);
  }

  function markOld(current, latest, latestFolder) {
    var latestPage = urlIn(latestFolder, page);
    var banner = document.createElement("div");
    banner.className = "vs-banner";
    banner.setAttribute("role", "note");
    banner.appendChild(document.createTextNode(
      "You are reading version " + current.version +
      (current.date ? " (" + current.date + ")" : "") + ", an older release of this report. "));
    var link = document.createElement("a");
    link.href = latestPage;
    link.textContent = "Read the latest version (" + latest.version + ")";
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      go(latestFolder);
    });
    banner.appendChild(link);
    // Top of <main>, not of <body>: Quarto's navbar is fixed-top and would cover it there.
    var host = document.querySelector("main") || document.body;
    host.insertBefore(banner, host.firstChild);

    // Search engines should index the current release, not each old copy of it.
    var canonical = document.querySelector('link[rel="canonical"]');
    if (!canonical) {
      canonical = document.createElement("link");
      canonical.rel = "canonical";
      document.head.appendChild(canonical);
    }
    canonical.href = latestPage;
    var robots = document.querySelector('meta[name="robots"]');
    if (!robots) {
      robots = document.createElement("meta");
      robots.name = "robots";
      document.head.appendChild(robots);
    }
    robots.content = "noindex";
  }

  function render(list) {
    var entries = Array.isArray(list) ? list.filter(validEntry) : [];
    var current = find(entries, function (e) { return e.version === folder; }) ||
      find(entries, function (e) { return aliasesOf(e).indexOf(folder) >= 0; });
    if (!current) {
      done("none"); // this folder is not listed: nothing sensible to switch between
      return;
    }
    var latest = find(entries, function (e) { return aliasesOf(e).indexOf(DEFAULT_ALIAS) >= 0; });
    var latestFolder = latest ? DEFAULT_ALIAS : entries[0].version;
    latest = latest || entries[0];

    loadStyles();
    buildSwitcher(entries, current);
    var old = current.version !== latest.version;
    if (old) markOld(current, latest, latestFolder);
    done(old ? "old" : "current");
  }

  function whenReady(callback) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  }

  fetch(new URL("versions.json", rootUrl).href, { cache: "no-cache", credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (list) {
      whenReady(function () {
        if (list) render(list);
        else done("none");
      });
    })
    .catch(function () {
      done("none"); // unreadable versions.json: the page is still fine without a switcher
    });
})();
