// Site behaviour for the pandoc engine's layout: the collapsing navbar and its menus.
// Plain script, no dependencies, nothing loaded from the network.
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

  document.addEventListener("DOMContentLoaded", function () {
    setupNavbar();
  });
})();
