// The capture grid as a spreadsheet: paste blocks from Excel, move with arrows/Enter/Tab, see the
// server's cumplimiento and semáforo while typing, and be warned before leaving unsaved rows.
// Nothing here decides a number: the preview endpoints apply the rules.
(function () {
  "use strict";
  const form = document.getElementById("capture-grid");
  if (!form) return;
  const fmt = new Intl.NumberFormat("es-MX", { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  let submitting = false;

  function mainRows() { return Array.from(form.querySelectorAll("tr.capture-row")); }
  function sheetRows(cell) {
    const states = cell.closest("table.states-sheet");
    return states ? Array.from(states.querySelectorAll("tr[data-sheet-row]")) : mainRows();
  }
  function cellAt(row, col) { return row && row.querySelector('[data-col="' + col + '"]:not([disabled])'); }
  function editableCells(row) { return Array.from(row.querySelectorAll("[data-col]:not([disabled])")); }
  function nationalRow(el) {
    const states = el.closest("table.states-sheet");
    if (states) return form.querySelector('tr.capture-row[data-key="' + states.dataset.statesFor + '"]');
    return el.closest("tr.capture-row");
  }
  function statesOf(row) { return form.querySelector('table.states-sheet[data-states-for="' + row.dataset.key + '"]'); }

  // --- Moving like a spreadsheet -------------------------------------------------------------
  function focusCell(cell) {
    if (!cell) return false;
    cell.focus();
    if (cell.select) cell.select();
    return true;
  }
  function moveVertical(cell, step) {
    const rows = sheetRows(cell);
    const col = cell.dataset.col;
    for (let i = rows.indexOf(cell.closest("tr")) + step; i >= 0 && i < rows.length; i += step) {
      if (focusCell(cellAt(rows[i], col))) return true;
    }
    return false;
  }
  function moveHorizontal(cell, step, wrap) {
    const rows = sheetRows(cell);
    let index = rows.indexOf(cell.closest("tr"));
    let cells = editableCells(rows[index]);
    let position = cells.indexOf(cell) + step;
    while (position < 0 || position >= cells.length) {
      if (!wrap) return false;
      index += step;
      if (index < 0 || index >= rows.length) return false;
      cells = editableCells(rows[index]);
      position = step > 0 ? 0 : cells.length - 1;
    }
    return focusCell(cells[position]);
  }
  function caretAtStart(el) { return el.selectionStart === 0 && el.selectionEnd === 0; }
  function caretAtEnd(el) { return el.selectionStart === el.value.length && el.selectionEnd === el.value.length; }

  form.addEventListener("keydown", function (event) {
    const cell = event.target;
    if (!cell.dataset || cell.dataset.col === undefined || event.ctrlKey || event.metaKey) return;
    const multiline = cell.tagName === "TEXTAREA";
    let moved = null;
    switch (event.key) {
      case "Enter":
        if (event.altKey || (multiline && event.shiftKey)) return; // a new line inside the cell
        moved = event.shiftKey ? moveVertical(cell, -1) : moveVertical(cell, 1);
        event.preventDefault(); // Enter never submits the grid by accident
        return;
      case "Tab":
        moved = moveHorizontal(cell, event.shiftKey ? -1 : 1, true);
        break;
      case "ArrowDown":
        if (multiline && cell.value.indexOf("\n", cell.selectionEnd) !== -1) return;
        moved = moveVertical(cell, 1);
        break;
      case "ArrowUp":
        if (multiline && cell.value.lastIndexOf("\n", cell.selectionStart - 1) !== -1) return;
        moved = moveVertical(cell, -1);
        break;
      case "ArrowLeft":
        if (!caretAtStart(cell)) return;
        moved = moveHorizontal(cell, -1, false);
        break;
      case "ArrowRight":
        if (!caretAtEnd(cell)) return;
        moved = moveHorizontal(cell, 1, false);
        break;
      default:
        return;
    }
    if (moved) event.preventDefault();
  });

  // --- Pasting a block copied from Excel or LibreOffice ----------------------------------------
  function parseBlock(text) {
    // Tab-separated rows (CRLF or LF); a cell with a tab, a newline or quotes comes quoted.
    const rows = [];
    let row = [], cell = "", quoted = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
        else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"' && cell === "") quoted = true;
      else if (ch === "\t") { row.push(cell); cell = ""; }
      else if (ch === "\r" || ch === "\n") {
        if (ch === "\r" && text[i + 1] === "\n") i++;
        row.push(cell); rows.push(row); row = []; cell = "";
      } else cell += ch;
    }
    if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
    return rows;
  }

  form.addEventListener("paste", function (event) {
    const start = event.target;
    if (!start.dataset || start.dataset.col === undefined) return;
    const text = (event.clipboardData || window.clipboardData).getData("text/plain");
    if (!/[\t\r\n]/.test(text.replace(/(\r\n|\n|\r)$/, ""))) return; // one value: the browser pastes it
    event.preventDefault();
    const block = parseBlock(text);
    const rows = sheetRows(start);
    const col = Number(start.dataset.col);
    let index = rows.indexOf(start.closest("tr"));
    let left = 0;
    block.forEach(function (values) {
      while (index < rows.length && editableCells(rows[index]).length === 0) index++; // read-only rows
      if (index >= rows.length) { left++; return; }
      values.forEach(function (value, offset) {
        const cell = cellAt(rows[index], col + offset);
        if (!cell) return; // a read-only or absent cell keeps its value
        cell.value = cell.tagName === "TEXTAREA" ? value : value.trim();
        cell.dispatchEvent(new Event("input", { bubbles: true }));
      });
      index++;
    });
    const status = form.querySelector(".dirty-count");
    if (left && status) status.dataset.note = left + (left === 1 ? " fila pegada no cupo en la tabla." : " filas pegadas no cupieron en la tabla.");
    refreshDirty();
  });

  // --- Changed rows and the warning before leaving --------------------------------------------
  function differs(el) {
    if (el.type === "file") return el.value !== "";
    if (el.type === "hidden") return false;
    return el.value !== el.defaultValue;
  }
  function rowChanged(row) {
    if (row.classList.contains("has-errors")) return true; // what was typed is not saved yet
    const fields = Array.from(row.querySelectorAll("input, textarea"));
    const states = statesOf(row);
    if (states) fields.push.apply(fields, states.querySelectorAll("input"));
    return fields.some(differs);
  }
  function refreshDirty() {
    let count = 0;
    mainRows().forEach(function (row) {
      const changed = rowChanged(row);
      row.classList.toggle("changed", changed);
      const mark = row.querySelector(".changed-mark");
      if (mark) mark.hidden = !changed;
      if (changed) count++;
    });
    const status = form.querySelector(".dirty-count");
    if (status) {
      status.hidden = count === 0 && !status.dataset.note;
      status.textContent = (count === 1 ? "1 fila con cambios sin guardar." : count + " filas con cambios sin guardar.")
        + (status.dataset.note ? " " + status.dataset.note : "");
    }
    return count;
  }
  form.addEventListener("input", function (event) {
    const row = nationalRow(event.target);
    if (!row) return;
    refreshDirty();
    if (event.target.matches("[data-col='0'], [data-col='1']")) schedulePreview(row);
  });
  form.addEventListener("change", function (event) { if (event.target.type === "file") refreshDirty(); });
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (submitting || refreshDirty() === 0) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // --- Live preview from the server's rules ---------------------------------------------------
  const timers = new WeakMap();
  const latest = new WeakMap();
  function schedulePreview(row) {
    clearTimeout(timers.get(row));
    timers.set(row, setTimeout(function () { preview(row); }, 250));
  }
  function preview(row) {
    const params = new URLSearchParams({ ejercicio: form.dataset.ejercicio, mes: row.dataset.mes });
    const states = statesOf(row);
    if (states) {
      states.querySelectorAll("[data-state-field]").forEach(function (input) {
        params.append(input.dataset.stateField, input.value);
      });
    } else {
      row.querySelectorAll("input[data-col]").forEach(function (input) {
        params.set(input.name.split("-").pop(), input.value);
      });
    }
    // Responses can arrive out of order on a busy server: only the latest request of a row is shown.
    const asked = (latest.get(row) || 0) + 1;
    latest.set(row, asked);
    fetch(row.dataset.preview + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) { if (latest.get(row) === asked) show(row, data); });
  }
  function show(row, data) {
    const value = row.querySelector(".live-value");
    const compliance = row.querySelector(".live-compliance");
    if (data.error) {
      compliance.textContent = data.error;
    } else {
      compliance.textContent = data.cumplimiento ? fmt.format(data.cumplimiento) + " %" : (data.semaforo ? "N/A" : "—");
    }
    if (value) value.textContent = data.valor ? fmt.format(data.valor) : "";
    if (data.numerador !== undefined || row.dataset.byState !== undefined) {
      const rolled = { numerator: data.numerador || data.valor, denominator: data.denominador };
      row.querySelectorAll("[data-rolled]").forEach(function (cell) {
        const number = rolled[cell.dataset.rolled];
        cell.textContent = number ? fmt.format(number) : "—";
      });
    }
    const cell = row.querySelector(".live-semaforo");
    cell.textContent = "";
    if (data.semaforo) {
      const badge = document.createElement("span");
      badge.className = "semaforo semaforo-" + data.semaforo;
      badge.textContent = data.semaforo; // the word always goes with the colour
      cell.appendChild(badge);
    } else {
      cell.textContent = "—";
    }
    row.querySelectorAll(".required-mark").forEach(function (mark) { mark.hidden = !data.requiere_justificacion; });
  }
  refreshDirty();
})();
