// Accessibility fixes to Quarto's own page chrome (the pandoc layout needs none; on its
// pages this script finds nothing to do): the collapsed-menu button is a button, not a
// "menu"; the site navbar is a landmark with a name of its own; icon glyphs next to a text
// label are decoration.
(function () {
  "use strict";

  function fix() {
    var toggler = document.querySelector(".navbar-toggler[role='menu']");
    if (toggler) toggler.removeAttribute("role");
    var navbar = document.querySelector("nav.navbar");
    if (navbar && !navbar.getAttribute("aria-label")) navbar.setAttribute("aria-label", "Site");
    var icons = document.querySelectorAll(".navbar i.bi[role='img']");
    for (var i = 0; i < icons.length; i++) {
      icons[i].removeAttribute("role");
      icons[i].setAttribute("aria-hidden", "true");
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fix);
  } else {
    fix();
  }
})();
