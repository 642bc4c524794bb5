// Meta vigente vs avance by period; avance points take the colour of their quarter's semáforo.
document.addEventListener("DOMContentLoaded", function () {
  const data = JSON.parse(document.getElementById("series-data").textContent);
  const numbers = function (values) { return values.map(function (v) { return v === null ? null : Number(v); }); };
  const colours = { verde: "#1a7f37", amarillo: "#9a6700", rojo: "#b42318", gris: "#5b6770" };
  new Chart(document.getElementById("series-chart"), {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: "Meta vigente", data: numbers(data.meta), borderColor: "#13322b", borderDash: [6, 4], spanGaps: true },
        {
          label: "Avance", data: numbers(data.avance), borderColor: "#4a5b6b", spanGaps: true, pointRadius: 6,
          pointBackgroundColor: data.semaforo.map(function (s) { return colours[s] || "#ffffff"; }),
        },
      ],
    },
    options: {
      locale: "es-MX",
      plugins: { tooltip: { callbacks: { afterLabel: function (ctx) {
        const light = data.semaforo[ctx.dataIndex];
        return ctx.datasetIndex === 1 && light ? "semáforo: " + light : "";
      } } } },
    },
  });
});
