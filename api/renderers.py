"""CSV for the list endpoints (`?format=csv`): the rows of the page, one column per field, every
text cell neutralised (common/formula_safety.py) like the other exports of SIMIR."""

import io
import json

from rest_framework.renderers import BaseRenderer

from common.formula_safety import csv_writer


def _rows(data):
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return data["results"]
    return data if isinstance(data, list) else [data]


def _flat(row, prefix=""):
    """Nested objects become dotted columns («objetivo.nivel»); lists (metas, ajustes) one JSON cell."""
    flat = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flat(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = json.dumps(value, ensure_ascii=False)
        else:
            flat[name] = value
    return flat


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = [_flat(row) if isinstance(row, dict) else {"valor": row} for row in _rows(data)]
        columns = list(dict.fromkeys(name for row in rows for name in row))
        stream = io.StringIO(newline="")
        writer = csv_writer(stream)
        writer.writerow(columns)
        writer.writerows([row.get(name) for name in columns] for row in rows)
        # With a BOM, as the other CSV exports, so that Excel reads the accents.
        return ("\ufeff" + stream.getvalue()).encode("utf-8")
