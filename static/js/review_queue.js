// "Select all" in the queue's header checkbox.
document.getElementById("seleccionar-todo")?.addEventListener("change", function (event) {
  document.querySelectorAll('input[name="seleccion"]').forEach(function (box) { box.checked = event.target.checked; });
});
