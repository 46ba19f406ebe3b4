// Draws the monitor's charts. Each figure is built on the server (monitoring/dashboard/figures.py)
// and sits beside its container as JSON (json_script); this file and plotly.js are static
// files, so the Content-Security-Policy needs no inline script or style
// (docs/adr/0003-charts-under-csp.md). Without JavaScript every chart's numbers are still
// in the table below it.
(() => {
  "use strict";

  const CONFIG = {
    displayModeBar: false, // the table and the CSV are the way to the numbers
    displaylogo: false,
    responsive: true,
    scrollZoom: false,
    doubleClick: false,
    showTips: false,
  };
  const PRINT_WIDTH = 680; // px: fits an A4 page with margins

  const drawn = [];

  const draw = (container) => {
    const source = document.getElementById(container.dataset.chart);
    if (!source) {
      return;
    }
    const figure = JSON.parse(source.textContent);
    Plotly.newPlot(container, figure.data, figure.layout, CONFIG).then(() => {
      // Only once drawn: an empty container announces nothing.
      container.setAttribute("role", "img");
      container.setAttribute("aria-label", container.dataset.label || "");
      drawn.push(container);
    });
  };

  // Printed charts get a page-sized width, and the screen's width back afterwards.
  const resizeAll = (width) => {
    drawn.forEach((container) => {
      Plotly.relayout(container, width ? { width } : { width: null, autosize: true });
    });
  };

  document.addEventListener("DOMContentLoaded", () => {
    if (typeof Plotly === "undefined") {
      return;
    }
    document.querySelectorAll("[data-chart]").forEach(draw);
    window.addEventListener("beforeprint", () => resizeAll(PRINT_WIDTH));
    window.addEventListener("afterprint", () => resizeAll(null));
  });

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-print]").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", () => window.print());
    });
  });
})();
