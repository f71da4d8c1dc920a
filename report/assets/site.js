// Site behaviour for the pandoc engine's layout: the collapsing navbar and the local
// pagefind search box. Plain script, no dependencies, nothing loaded from the network.
(function () {
  "use strict";

  function setupNavbar() {
    var toggle = document.querySelector(".navbar-toggle");
    var menu = document.getElementById("navbar-menu");
    if (!toggle || !menu) return;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      menu.classList.toggle("open", !open);
    });
  }

  function setupSearch() {
    // pagefind-ui.js is written by `pagefind --site`; a site opened before indexing, or
    // from file:// (where browsers block the index fetches), simply has no search box.
    if (typeof window.PagefindUI !== "function") return;
    if (!document.getElementById("search")) return;
    new window.PagefindUI({
      element: "#search",
      showImages: false,
      showSubResults: true,
      resetStyles: false,
      translations: { placeholder: "Search the report" },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupNavbar();
    setupSearch();
  });
})();
