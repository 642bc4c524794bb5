"""The rejects file of `import_sed --omitir-filas-con-error`: one line per problem, `fila, columna,
mensaje` and then the row as it was read, so that it can be fixed and imported again
(docs/intercambio.md, «Filas con error»)."""

from common.formula_safety import csv_writer


class RejectsFile:
    def __init__(self, path, header):
        self.path = path
        self.header = [name for name in header if name]
        # UTF-8 with BOM: Excel opens it with its accents; the import reads it back like any file.
        self._handle = open(path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by close()
        self._writer = csv_writer(self._handle, lineterminator="\r\n")
        self._writer.writerow(["fila", "columna", "mensaje", *self.header])
        self.rows = 0

    def write(self, number, cells, problems):
        self.rows += 1
        original = [cells.get(name, "") for name in self.header]
        for column, message in problems:
            self._writer.writerow([number, column, message, *original])

    def close(self):
        self._handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
