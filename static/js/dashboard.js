// Draws the dashboard charts from the data the server put in #dashboard-data (json_script).
// The tables on the page hold the same numbers and are the charts' text alternative.
(function () {
  const source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const number = new Intl.NumberFormat("es-MX", { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  // Same colours as the semáforo badges; the legend and tooltips always carry the word.
  const LIGHTS = [
    { key: "verde", label: "Verde", color: "#1a7f37" },
    { key: "amarillo", label: "Amarillo", color: "#9a6700" },
    { key: "rojo", label: "Rojo", color: "#b42318" },
    { key: "gris", label: "Gris", color: "#5b6770" },
  ];
  // Tooltip titles name the programa, not only its clave.
  function title(items) {
    const i = items[0].dataIndex;
    return data.labels[i] + " · " + data.names[i];
  }

  Chart.defaults.locale = "es-MX";
  Chart.defaults.font.family = "system-ui, sans-serif";
  Chart.defaults.animation = false; // a report, not a show; also keeps screenshots deterministic

  // Horizontal bars need height per programa, or many rows get squeezed into the fixed box.
  const box = document.getElementById("chart-semaforo").parentElement;
  box.style.height = Math.max(180, 34 * data.labels.length + 90) + "px";

  new Chart(document.getElementById("chart-semaforo"), {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: LIGHTS.map(function (light) {
        return { label: light.label, data: data[light.key], backgroundColor: light.color, borderColor: "#fff", borderWidth: 1 };
      }),
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      scales: {
        x: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Indicadores" } },
        y: { stacked: true },
      },
      plugins: {
        legend: { position: "top" },
        tooltip: { callbacks: { title: title, label: function (ctx) { return ctx.dataset.label + ": " + ctx.parsed.x; } } },
      },
    },
  });

  // A 0 % bar and a missing value both draw nothing; writing the value over each bar ("0 %" or
  // "—", as in the table) keeps them apart.
  const valueLabels = {
    id: "valueLabels",
    afterDatasetsDraw: function (chart) {
      const ctx = chart.ctx;
      const zero = chart.scales.y.getPixelForValue(0);
      ctx.save();
      ctx.font = "11px system-ui, sans-serif";
      ctx.fillStyle = "#1f2933";
      ctx.textAlign = "center";
      ctx.textBaseline = "bottom";
      chart.data.datasets.forEach(function (dataset, d) {
        chart.getDatasetMeta(d).data.forEach(function (bar, i) {
          const raw = dataset.data[i];
          const y = raw === null ? zero : bar.y;
          ctx.fillText(raw === null ? "—" : number.format(raw), bar.x, Math.max(y - 3, 12));
        });
      });
      ctx.restore();
    },
  };

  // Percentages travel as exact decimal strings; the chart needs numbers (null stays "no data").
  function numbers(values) { return values.map(function (v) { return v === null ? null : Number(v); }); }

  new Chart(document.getElementById("chart-completeness"), {
    plugins: [valueLabels],
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: "Completitud", data: numbers(data.completeness), backgroundColor: "#1f5f99" },
        { label: "Oportunidad", data: numbers(data.timeliness), backgroundColor: "#7a4fa0" },
      ],
    },
    options: {
      maintainAspectRatio: false,
      scales: {
        // Room above 100 % for the value written over a full bar, without a 110 % tick or grid line.
        y: {
          beginAtZero: true, max: 110,
          afterBuildTicks: function (axis) { axis.ticks = axis.ticks.filter(function (t) { return t.value <= 100; }); },
          ticks: { stepSize: 10, callback: function (v) { return v + " %"; } },
        },
      },
      plugins: {
        legend: { position: "top" },
        tooltip: {
          callbacks: {
            title: title,
            label: function (ctx) {
              return ctx.dataset.label + ": " + (ctx.raw === null ? "—" : number.format(ctx.raw) + " %");
            },
          },
        },
      },
    },
  });
})();
