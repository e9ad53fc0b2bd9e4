// Survey charts: each figure is built on the server (json_script, named by data-figure) and
// drawn by plotly, served from the plotly package (no CDN).
document.addEventListener("DOMContentLoaded", () => {
  if (!window.Plotly) return;
  for (const target of document.querySelectorAll("[data-figure]")) {
    const source = document.getElementById(target.dataset.figure);
    if (!source) continue;
    const figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(target, figure.data, figure.layout, { displaylogo: false, responsive: true });
  }
});
