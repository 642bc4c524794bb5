"""The IMSS-BIENESTAR 2024 demo: real figures from the seeds plus one fictitious programme.

The data lives in `demo/` as interchange-layout files (loaded through the real import path) and a
JSON file for what the layout cannot hold: programmes without loaded indicators, sources, the
Programa Institucional fichas and the checks of the seeds' own arithmetic."""

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from common.upsert import upsert
from compliance.engine import compute_year
from demo.followup import load_followup
from indicators import rules
from indicators.models import Indicator, Target, Variable
from interchange.catalogs import canonical
from institutional.models import Figure, PublishedMark, mark_of
from interchange.importer import import_file
from programs.models import Level, Matrix, Objective, Program, Ramo, ResponsibleUnit
from reporting.choices import ProgressStatus
from reporting.models import AnnualWindow, CaptureWindow, Progress

DEMO_DIR = Path(settings.BASE_DIR) / "demo"
DEMO_PASSWORD = "simir-demo-2024"
FICTITIOUS_NOTE = "FICTICIO: programa ilustrativo de la demostración; sus cifras no son reales."

ROLE_GROUPS = ["Administrador", "Coordinador", "Capturista", "Consulta"]
DEMO_USERS = [
    # username, full name, group, UR claves in scope, superuser
    ("admin", "Administración SIMIR", "Administrador", [], True),
    ("coordinador", "Coordinación de Planeación", "Coordinador", ["AYO", "ZZZ"], False),
    # A second coordinator: nobody approves what they captured or sent (separation of duties).
    ("coordinador2", "Coordinación de Evaluación", "Coordinador", ["AYO", "ZZZ"], False),
    ("capturista_ayo", "Capturista IMSS-BIENESTAR (AYO)", "Capturista", ["AYO"], False),
    ("capturista_zzz", "Capturista UR ilustrativa (ZZZ)", "Capturista", ["ZZZ"], False),
    ("consulta", "Consulta (solo lectura)", "Consulta", ["AYO", "ZZZ"], False),
]


@dataclass
class DemoReport:
    lines: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def load_demo():
    """Load (or refresh) the whole demo; idempotent."""
    data = json.loads((DEMO_DIR / "demo_2024.json").read_text(encoding="utf-8"))
    report = DemoReport()
    with transaction.atomic():
        ramo, unit = _load_structure(data, report)
        for name in ("sed_2024_imss_bienestar.csv", data["ficticio"]["archivo"]):
            imported = import_file(DEMO_DIR / name, reason=f"Demostración: {name}", recompute=False)
            report.lines.append(f"{name}:")
            report.lines.extend(f"  {line}" for line in imported.lines())
        _mark_sources(data)
        _mark_fictitious(data, ramo)
        for spec in data["programa_institucional"]:
            _load_institutional_program(spec, unit, report)
        _load_users(report)
        _open_demo_window(data, report)
        load_followup(DEMO_DIR, data["ejercicio"], report)
        _open_demo_annual_window(data, report)
        computed = compute_year(data["ejercicio"])
    report.lines.append(
        "Resultados trimestrales calculados: " + ", ".join(f"T{q}: {n}" for q, n in computed.items()) + "."
    )
    report.warnings.extend(seed_check_warnings(data["verificaciones"]))
    return report


def _load_structure(data, report):
    year = data["ejercicio"]
    ramo, _ = upsert(Ramo, {"clave": data["ramo"]["clave"]}, {"name": data["ramo"]["nombre"]})
    unit, _ = upsert(
        ResponsibleUnit, {"ramo": ramo, "clave": data["unidad_responsable"]["clave"]},
        {"name": data["unidad_responsable"]["nombre"]},
    )
    for spec in data["programas"]:
        program, _ = upsert(
            Program, {"fiscal_year": year, "ramo": ramo, "modalidad": spec["modalidad"], "number": spec["numero"]},
            {
                "name": spec["nombre"], "responsible_unit": unit,
                "registered_indicators": spec["indicadores_registrados"],
                "source_note": f"{spec['fuente']}. Ramo: {data['ramo']['fuente']}.",
            },
        )
        upsert(
            Matrix, {"program": program, "kind": spec["instrumento"]},
            {"fiscal_year": year, "name": f"{spec['instrumento']} {year} {program.clave}"},
        )
    total = sum(spec["indicadores_registrados"] for spec in data["programas"])
    report.lines.append(
        f"Programas reales: {len(data['programas'])}; indicadores registrados en el PASH: {total} "
        f"(la fuente informa {data['indicadores_registrados_total']})."
    )
    return ramo, unit


def _mark_sources(data):
    for external_id, spec in data["indicadores"].items():
        note = f"{data['fuente']}, líneas {spec['lineas']}; avance impreso {spec['valor_impreso']}. "
        note += spec.get("nota", "") + (" " if spec.get("nota") else "") + f"Supuestos: {data['supuestos']}"
        Indicator.objects.filter(fiscal_year=data["ejercicio"], external_id=external_id).update(source_note=note)


def _mark_fictitious(data, ramo):
    spec = data["ficticio"]
    ResponsibleUnit.objects.filter(ramo=ramo, clave=spec["ur"]).update(is_fictitious=True)
    modalidad, number = spec["programa"][0], int(spec["programa"][1:])
    programs = Program.objects.filter(fiscal_year=data["ejercicio"], ramo=ramo, modalidad=modalidad, number=number)
    programs.update(is_fictitious=True, source_note=FICTITIOUS_NOTE)
    Indicator.objects.filter(matrix__program__in=programs).update(source_note=FICTITIOUS_NOTE)


def _number(value):
    """A seed figure as Decimal, or None for NA / ND / blanks (never through float arithmetic)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return None


def _load_institutional_program(spec, unit, report):
    fichas = json.loads((DEMO_DIR / spec["archivo"]).read_text(encoding="utf-8"))
    matrix, _ = upsert(
        Matrix, {"kind": Matrix.Kind.PI, "program": None, "name": spec["nombre"]},
        {"fiscal_year": spec["primer_anio"], "last_year": spec["ultimo_anio"],
         "responsible_unit": unit, "source_note": spec["fuente"]},
    )
    for ficha in fichas:
        objective, _ = upsert(
            Objective, {"matrix": matrix, "clave": str(ficha["objective_number"])},
            {"level": Level.OBJETIVO_PI, "summary": ficha["objective_text"]},
        )
        indicator = _load_ficha(matrix, objective, unit, spec, ficha)
        _load_series(indicator, ficha)
    report.lines.append(f"{spec['nombre']}: {len(fichas)} fichas.")


def _catalog(column, raw):
    return canonical(column, raw) or "" if raw else ""


def _load_ficha(matrix, objective, unit, spec, ficha):
    baseline_year = ficha.get("baseline_year")
    indicator, _ = upsert(
        Indicator, {"fiscal_year": matrix.fiscal_year, "external_id": f"{spec['prefijo_id']}-{ficha['indicator_id']}"},
        {
            "matrix": matrix, "objective": objective, "responsible_unit": unit,
            "name": ficha["name"], "definition": ficha.get("definition") or "",
            "calculation_method": ficha.get("calculation_method") or "",
            "indicator_type": _catalog("TIPO_INDICADOR", ficha.get("type")),
            "dimension": _catalog("DIMENSION", ficha.get("dimension")) or (ficha.get("dimension") or ""),
            "frequency": _catalog("FRECUENCIA", ficha["frequency"]),
            "unit_of_measure": ficha.get("unit") or "",
            "value_type": _catalog("TIPO_RELATIVO", ficha.get("unit")) or (ficha.get("unit") or ""),
            "direction": _catalog("SENTIDO", ficha["expected_trend"]),
            "accumulation": _catalog("ACUMULADO", ficha.get("accumulation")),
            "baseline_value": _number(ficha.get("baseline_value")),
            "baseline_year": baseline_year if isinstance(baseline_year, int) else None,
            "pi_category": ficha.get("kind") or "",
            "disaggregation": ficha.get("disaggregation") or "",
            "collection_period": ficha.get("collection_period") or "",
            "information_availability": ficha.get("availability") or "",
            "associated_right": ficha.get("associated_right") or "",
            "observations": ficha.get("observations") or "",
            "source_note": f"{spec['fuente']}, líneas {ficha['source_lines'][0]}-{ficha['source_lines'][1]}; "
                           f"unidad responsable según la ficha: {ficha.get('responsible_unit') or 'no indicada'}.",
        },
    )
    for position, variable in enumerate(ficha.get("variables") or [], start=1):
        value = _number(variable.get("value"))
        upsert(
            Variable, {"indicator": indicator, "position": position},
            {"name": variable["name"], "source": variable.get("source") or "", "value": value,
                      "value_text": "" if value is not None else str(variable.get("value_raw") or variable.get("value") or "")},
        )
    return indicator


def _load_series(indicator, ficha):
    """Yearly results become approved avances and yearly metas become programmed metas (month 12);
    an ND / NA in their place is kept as such, so the report says «no disponible» and never 0."""
    _mark(indicator, Figure.LINEA_BASE, None, ficha.get("baseline_value"))
    for year, raw in (ficha.get("results") or {}).items():
        value = _number(raw)
        _mark(indicator, Figure.RESULTADO, int(year), raw)
        if value is not None:
            upsert(
                Progress, {"indicator": indicator, "fiscal_year": int(year), "month": 12, "state": None},
                {"value": value, "status": ProgressStatus.APROBADO, "imported": True},
            )
    targets = dict(ficha.get("targets") or {})
    if ficha.get("target_2024") is not None:
        targets["2024"] = ficha["target_2024"]
    for year, raw in targets.items():
        value = _number(raw)
        _mark(indicator, Figure.META, int(year), raw)
        if value is not None:
            upsert(Target, {"indicator": indicator, "fiscal_year": int(year), "month": 12}, {"value": value})


def _mark(indicator, figure, year, raw):
    mark = mark_of(raw)
    if mark:
        upsert(PublishedMark, {"indicator": indicator, "figure": figure, "fiscal_year": year},
               {"mark": mark, "printed": raw})


def _load_users(report):
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLE_GROUPS}
    User = get_user_model()
    for username, full_name, group, units, superuser in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username)
        first, _, last = full_name.partition(" ")
        user.first_name, user.last_name = first, last
        user.email = f"{username}@simir.invalid"
        user.is_staff = user.is_superuser = superuser
        if created:
            user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([groups[group]])
        user.responsible_units.set(ResponsibleUnit.objects.filter(clave__in=units))
    report.lines.append(
        f"Usuarios de demostración: {', '.join(u[0] for u in DEMO_USERS)} (contraseña «{DEMO_PASSWORD}», solo para desarrollo)."
    )


def _open_demo_window(data, report):
    """Q1 of the demo ejercicio stays open so the capture → review → approval cycle can be tried."""
    spec = data["ventana_demo"]
    upsert(
        CaptureWindow, {"fiscal_year": data["ejercicio"], "quarter": spec["trimestre"]},
        {"opens_at": datetime.fromisoformat(spec["abre"]), "closes_at": datetime.fromisoformat(spec["cierra"]),
         "note": spec["nota"]},
    )
    report.lines.append(f"Ventana de captura de demostración: T{spec['trimestre']}-{data['ejercicio']} hasta {spec['cierra']}.")


def seed_check_warnings(checks):
    """Where a seed prints a figure its own numbers do not give, say so (the figure stays as printed)."""
    warnings = []
    for check in checks:
        printed = Decimal(check["impreso"])
        derived = rules.ratio_value(Decimal(check["numerador"]), Decimal(check["denominador"]), Decimal(100))
        if not rules.agrees_with(printed, derived):
            warnings.append(
                f"aviso: {check['descripcion']}: impreso {printed} %, pero {check['numerador']} / "
                f"{check['denominador']} = {derived.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)} %. "
                f"Se carga como se imprimió. Fuente: {check['fuente']}."
            )
    return warnings


def _open_demo_annual_window(data, report):
    """The 2024 results of the Programa Institucional (ND in the seeds) can be captured and reviewed."""
    spec = data["ventana_anual_demo"]
    upsert(
        AnnualWindow, {"fiscal_year": spec["anio"]},
        {"opens_at": datetime.fromisoformat(spec["abre"]), "closes_at": datetime.fromisoformat(spec["cierra"]),
         "note": spec["nota"]},
    )
    report.lines.append(
        f"Ventana anual de demostración del Programa Institucional: {spec['anio']} hasta {spec['cierra']}."
    )
