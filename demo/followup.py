"""The follow-up part of the demo: the 11 board agreements that seed 004 reviews, with their % and
due dates as printed (rule «reportado», the minutes as source), and a few fictitious commitments of
the illustrative UR ZZZ whose sub-items show a computed %."""

import json
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from common.upsert import upsert
from followup.choices import Kind, Rule
from followup.models import Commitment, Item, Session, SessionReading
from followup.services import save_report
from followup.workflow import transition
from indicators.models import Indicator
from programs.models import Program, ResponsibleUnit
from reporting.flow import Action

REASON = "Demostración: seguimiento"


def _decimal(text):
    return None if text is None else Decimal(text)


def _day(text):
    return date.fromisoformat(text) if text else None


def load_followup(demo_dir, fiscal_year, report):
    data = json.loads((demo_dir / "seguimiento_2024.json").read_text(encoding="utf-8"))
    spec = data["sesion"]
    session, _ = upsert(Session, {"body": spec["organo"], "name": spec["nombre"]},
                        {"held_on": _day(spec["fecha"]), "source": spec["fuente"]})
    unit = ResponsibleUnit.objects.get(clave=data["ur"])
    for entry in data["acuerdos"]:
        lines = entry["lineas"]
        source = f"{data['fuente']}, {'líneas' if any(c in lines for c in ',-') else 'línea'} {lines}."
        if entry.get("nota"):
            source += " " + entry["nota"]
        commitment, _ = upsert(Commitment, {"clave": entry["clave"]}, {
            "kind": Kind.ACUERDO, "clave_is_local": entry["clave_local"], "text": entry["texto"],
            "responsible_unit": unit, "responsible_area": entry.get("area", ""),
            "due_date": _day(entry.get("fecha_compromiso")), "due_date_text": entry.get("fecha_impresa", ""),
            "rule": Rule.REPORTED, "baseline_percent": Decimal(entry["porcentaje"]),
            "baseline_on": session.held_on, "baseline_source": source,
        }, reason=REASON)
        upsert(SessionReading, {"session": session, "commitment": commitment},
               {"percent": Decimal(entry["porcentaje"])})
    report.lines.append(f"Seguimiento: {len(data['acuerdos'])} acuerdos de la {session.name} (seed 004).")
    _load_fictitious(data["ficticios"], fiscal_year, report)


def _load_fictitious(data, fiscal_year, report):
    unit = ResponsibleUnit.objects.get(clave=data["ur"])
    program = Program.objects.get(fiscal_year=fiscal_year, responsible_unit=unit, modalidad=data["programa"][0],
                                  number=int(data["programa"][1:]))
    for entry in data["compromisos"]:
        commitment, _ = upsert(Commitment, {"clave": entry["clave"]}, {
            "kind": entry["tipo"], "text": entry["texto"], "responsible_unit": unit, "program": program,
            "control_programme": entry.get("programa_control", ""), "origin_evaluation": entry.get("evaluacion", ""),
            "origin_audit": entry.get("auditoria", ""), "due_date": _day(entry.get("fecha_compromiso")),
            "rule": entry["regla"], "fictitious": True,
        }, reason=REASON)
        if entry.get("indicador"):
            commitment.indicators.set(Indicator.objects.filter(fiscal_year=fiscal_year,
                                                               external_id=entry["indicador"]))
        for number, (text, weight, state, *percent) in enumerate(entry["subelementos"], start=1):
            upsert(Item, {"commitment": commitment, "number": number}, {
                "text": text, "weight": _decimal(weight), "state": state,
                "percent": _decimal(percent[0]) if percent else None}, reason=REASON)
        if entry.get("reporte_aprobado"):
            _approved_report(commitment, fiscal_year, entry["reporte_aprobado"])
    report.lines.append(f"Seguimiento: {len(data['compromisos'])} compromisos ilustrativos (ficticios) de la UR "
                        f"{data['ur']}.")


def _approved_report(commitment, fiscal_year, spec):
    """Captured by the UR's capturista and approved by the coordinación, through the workflow."""
    if commitment.reports.filter(fiscal_year=fiscal_year, quarter=spec["trimestre"]).exists():
        return
    users = get_user_model().objects
    items = {item.pk: ("resuelto", None, "") for item in commitment.items.filter(number__in=spec["resueltos"])}
    captured = save_report(users.get(username="capturista_zzz"), commitment, fiscal_year, spec["trimestre"],
                           text=spec["texto"], items=items, reason=REASON)
    transition(users.get(username="capturista_zzz"), captured, Action.ENVIAR)
    transition(users.get(username="coordinador"), captured, Action.APROBAR)
