// Charts: every figure is first its static SVG (fast, works without JavaScript, prints).
// When a reader reaches for one (pointer over it, a tap, or the "Interactive chart" button
// for keyboard users), plotly.js is loaded once, from this site, and the figure's JSON is
// drawn in place: tooltips, zoom, legend toggling. Nothing else loads until then, so pages
// with charts are as light as text pages.
(function () {
  "use strict";

  var script = document.currentScript;
  var base = script ? new URL(".", script.src) : new URL("assets/", document.baseURI);
  var plotly = null;

  function loadPlotly() {
    if (!plotly) {
      plotly = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = new URL("plotly.min.js", base).href;
        tag.charset = "utf-8";
        tag.onload = function () { resolve(window.Plotly); };
        tag.onerror = function () { reject(new Error("plotly.min.js could not be loaded")); };
        document.head.appendChild(tag);
      });
    }
    return plotly;
  }

  function activate(figure) {
    if (figure.getAttribute("data-state")) return;
    figure.setAttribute("data-state", "loading");
    var image = figure.querySelector("img.kr-static");
    Promise.all([loadPlotly(), fetch(figure.getAttribute("data-plotly")).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + r.url);
      return r.json();
    })]).then(function (loaded) {
      var Plotly = loaded[0], spec = loaded[1];
      var plot = document.createElement("div");
      plot.className = "kr-plot";
      plot.setAttribute("aria-label", image ? image.alt : "Interactive chart");
      plot.setAttribute("role", "figure");
      figure.insertBefore(plot, image);
      return Plotly.newPlot(plot, spec.data, spec.layout, spec.config).then(function () {
        if (image) image.hidden = true;
        var button = figure.querySelector(".kr-activate");
        if (button) button.remove();
        figure.setAttribute("data-state", "interactive");
      });
    }).catch(function () {
      figure.setAttribute("data-state", "static");  // the SVG stays: nothing is lost
    });
  }

  function prepare(figure) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "kr-activate";
    button.textContent = "Interactive chart";
    button.addEventListener("click", function () { activate(figure); });
    var caption = figure.querySelector("figcaption");
    figure.insertBefore(button, caption);
    figure.addEventListener("pointerenter", function () { activate(figure); }, { once: true });
    figure.addEventListener("touchstart", function () { activate(figure); },
      { once: true, passive: true });
  }

  function init() {
    var figures = document.querySelectorAll(".kr-figure[data-plotly]");
    for (var i = 0; i < figures.length; i++) prepare(figures[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
