// Live value, cumplimiento and semáforo while typing; the server computes them with the same rules.
// The decimal strings go to Intl as strings: formatted exactly, never through a binary float.
(function () {
  function update(row) {
    const form = row.querySelector("form.capture-form");
    const params = new URLSearchParams({ ejercicio: row.dataset.ejercicio, mes: row.dataset.mes });
    ["value", "numerator", "denominator"].forEach(function (name) {
      const input = form.elements[name];
      if (input) params.set(name, input.value);
    });
    fetch(row.dataset.preview + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        const fmt = new Intl.NumberFormat("es-MX", { maximumFractionDigits: 2, minimumFractionDigits: 2 });
        row.querySelector(".live-value").textContent = data.error ? data.error : (data.valor === null || data.valor === undefined ? "—" : fmt.format(data.valor));
        row.querySelector(".live-compliance").textContent = data.cumplimiento ? fmt.format(data.cumplimiento) + " %" : (data.semaforo ? "N/A" : "—");
        const cell = row.querySelector(".live-semaforo");
        cell.innerHTML = "";
        if (data.semaforo) {
          const badge = document.createElement("span");
          badge.className = "semaforo semaforo-" + data.semaforo;
          badge.textContent = data.semaforo;
          cell.appendChild(badge);
        } else {
          cell.textContent = "—";
        }
        row.querySelectorAll(".required-mark").forEach(function (mark) { mark.hidden = !data.requiere_justificacion; });
        ["cause", "effect"].forEach(function (name) {
          if (form.elements[name]) form.elements[name].required = !!data.requiere_justificacion;
        });
      });
  }
  document.querySelectorAll("tr.capture-row").forEach(function (row) {
    let timer;
    row.querySelectorAll("input[name=value], input[name=numerator], input[name=denominator]").forEach(function (input) {
      input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { update(row); }, 250); });
    });
  });
})();
