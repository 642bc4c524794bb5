// Poll the job's status once a second until it ends.
(function () {
  const box = document.getElementById("job");
  const labels = { pendiente: "Pendiente", "en curso": "En curso", terminado: "Terminado", error: "Error",
                   "por confirmar": "Por confirmar" };
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        document.getElementById("job-progress").value = data.avance;
        document.getElementById("job-percent").textContent = data.avance + " %";
        document.getElementById("job-status").textContent = labels[data.estado] || data.estado;
        document.getElementById("job-message").textContent = data.mensaje;
        const link = document.getElementById("job-file");
        if (data.archivo) { link.href = data.archivo; link.hidden = false; }
        // An upload's dry run ends on its own page, which then shows what it found.
        if (data.terminado && data.siguiente) window.location.assign(data.siguiente);
        else if (!data.terminado) setTimeout(poll, 1000);
      });
  }
  poll();
})();
