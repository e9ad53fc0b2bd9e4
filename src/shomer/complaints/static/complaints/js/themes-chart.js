// The themes chart: the figure is built on the server (json_script), drawn by plotly.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("themes-figure");
  const target = document.getElementById("themes-chart");
  if (!source || !target || !window.Plotly) return;
  const figure = JSON.parse(source.textContent);
  window.Plotly.newPlot(target, figure.data, figure.layout, { displaylogo: false, responsive: true });
});
