// The site's search box: pagefind's UI over the index `pagefind --site` writes at build time.
// Both engines load this script. The pandoc layout has a #search slot in its navbar; on
// Quarto's navbar the box is added beside the navbar tools. A site opened before indexing,
// or from file:// (where browsers block the index fetches), simply has no search box.
(function () {
  "use strict";

  function slot() {
    var existing = document.getElementById("search");
    if (existing) return existing;
    var host = document.querySelector(".quarto-navbar-tools") ||
      document.querySelector("#navbarCollapse") || document.querySelector("header nav");
    if (!host) return null;
    var box = document.createElement("div");
    box.id = "search";
    box.className = "nav-search";
    box.setAttribute("role", "search");
    host.appendChild(box);
    return box;
  }

  // pagefind's input carries only a title: give it a real accessible name.
  function label(box) {
    var input = box.querySelector("input");
    if (input) {
      input.setAttribute("aria-label", "Search the report");
      return;
    }
    window.requestAnimationFrame(function () { label(box); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof window.PagefindUI !== "function") return;
    var box = slot();
    if (!box) return;
    new window.PagefindUI({
      element: "#search",
      showImages: false,
      showSubResults: true,
      resetStyles: false,
      translations: { placeholder: "Search" },
    });
    label(box);
  });
})();
