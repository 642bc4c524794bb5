"""Concurrent sessions capturing and approving one quarter through HTTP, then a check that no
acknowledged write was lost (issue #8). Used by `manage.py load_test` and its integration test.

Every value a capturista saves is unique, so the avance's history (one row per saved version)
tells whether each write the server acknowledged is there, built on the version its author saw.
A write is a lost update when the server said «guardado» but its value is not the version after
the one its author loaded, or was replaced by a write that had not seen it."""

import http.client
import random
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from indicators import rules
from indicators.choices import Direction, Frequency, ValueType
from indicators.models import Indicator, Target
from programs.models import Level, Matrix, Objective, Program, Ramo, ResponsibleUnit
from programs.roles import CAPTURISTA, COORDINADOR, ensure_role_groups
from reporting.choices import ProgressStatus
from reporting.models import CaptureWindow, Progress

LOAD_YEAR = 2098  # far from real ejercicios; everything here is marked ficticio
LOAD_RAMO = "98"
LOAD_QUARTER = 1
USER_PREFIX = "carga-"
META = Decimal(100)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REVIEW_LINK = re.compile(r'href="/revision/(\d+)/')
ERROR_TEXT = re.compile(r'class="error"[^>]*>([^<]+)<')
# What the server answers when it refuses a stale write (services.ConcurrentEdit, workflow.transition).
CONFLICT_TEXT = "mientras usted lo editaba"
NOT_EDITABLE_TEXT = "no se puede modificar"
ALREADY_DECIDED_TEXT = "No se puede «"


@dataclass
class LoadPlan:
    sessions: int = 20
    coordinators: int = 5
    indicators: int = 40
    rounds: int = 20
    seed: int = 2098

    @property
    def capturistas(self):
        return self.sessions - self.coordinators


@dataclass
class Ledger:
    """What every session did and what the server answered; shared by the threads."""

    requests: int = 0
    latencies: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    conflicts: int = 0
    refused: int = 0
    saves: list = field(default_factory=list)  # (indicator_id, version loaded, value, sent)
    decisions: list = field(default_factory=list)  # (progress_id, action)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def request(self, seconds):
        with self.lock:
            self.requests += 1
            self.latencies.append(seconds)

    def add(self, name, item=None):
        with self.lock:
            if item is None:
                setattr(self, name, getattr(self, name) + 1)
            else:
                getattr(self, name).append(item)


# --- Data ---------------------------------------------------------------------------------------


def prepare(plan, password):
    """A ficticio programme of `plan.indicators` quarterly indicators with an open T1 window, and
    the session users (capturistas and coordinadores of its UR). Earlier load data is removed."""
    User = get_user_model()
    with transaction.atomic():
        clear()
        ensure_role_groups()
        ramo = Ramo.objects.create(clave=LOAD_RAMO, name="Ramo de prueba de carga (ficticio)")
        unit = ResponsibleUnit.objects.create(ramo=ramo, clave="CARGA", name="UR de prueba de carga (ficticia)",
                                              is_fictitious=True)
        program = Program.objects.create(fiscal_year=LOAD_YEAR, ramo=ramo, modalidad="E", number=998,
                                         name="Programa de prueba de carga (ficticio)", responsible_unit=unit,
                                         is_fictitious=True)
        matrix = Matrix.objects.create(kind=Matrix.Kind.MIR, program=program, fiscal_year=LOAD_YEAR)
        objective = Objective.objects.create(matrix=matrix, level=Level.ACTIVIDAD, clave="A1.1",
                                             summary="Objetivo de prueba de carga")
        indicators = Indicator.objects.bulk_create([
            Indicator(matrix=matrix, objective=objective, responsible_unit=unit, fiscal_year=LOAD_YEAR,
                      external_id=f"CARGA-{i:03d}", name=f"Indicador de carga {i} (ficticio)",
                      frequency=Frequency.TRIMESTRAL, direction=Direction.ASCENDENTE, value_type=ValueType.ABSOLUTO)
            for i in range(plan.indicators)
        ])
        Target.objects.bulk_create([
            Target(indicator=indicator, fiscal_year=LOAD_YEAR, month=month, value=META)
            for indicator in indicators for month in rules.period_months(Frequency.TRIMESTRAL)
        ])
        now = timezone.now()
        CaptureWindow.objects.create(fiscal_year=LOAD_YEAR, quarter=LOAD_QUARTER, opens_at=now - timedelta(days=1),
                                     closes_at=now + timedelta(days=1), note="Prueba de carga")
        users = []
        for role, count in ((CAPTURISTA, plan.capturistas), (COORDINADOR, plan.coordinators)):
            group = Group.objects.get(name=role)
            for n in range(count):
                user = User(username=f"{USER_PREFIX}{role.lower()}-{n:02d}", email=f"carga{n}@simir.invalid")
                user.set_password(password)
                user.save()
                user.groups.set([group])
                user.responsible_units.set([unit])
                users.append(user)
    return program, indicators, users


def clear():
    """Remove what an earlier run left (the ficticio ramo, its ejercicio and the session users)."""
    Progress.objects.filter(indicator__fiscal_year=LOAD_YEAR).delete()
    Indicator.objects.filter(fiscal_year=LOAD_YEAR).delete()
    CaptureWindow.objects.filter(fiscal_year=LOAD_YEAR).delete()
    Program.objects.filter(fiscal_year=LOAD_YEAR).delete()
    ResponsibleUnit.objects.filter(ramo__clave=LOAD_RAMO).delete()
    Ramo.objects.filter(clave=LOAD_RAMO).delete()
    get_user_model().objects.filter(username__startswith=USER_PREFIX).delete()


# --- HTTP sessions ------------------------------------------------------------------------------


class Browser:
    """One person's session: cookies, CSRF token, and every request timed into the ledger."""

    def __init__(self, base_url, ledger):
        parts = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.cookies = {}
        self.csrf = ""
        self.ledger = ledger

    def request(self, method, path, data=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.connection.host}:{self.connection.port}{path}"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.connection.close()
            self.ledger.request(time.perf_counter() - started)
            self.ledger.add("errors", f"{method} {path}: {exc.__class__.__name__}: {exc}")
            return None, ""
        self.ledger.request(time.perf_counter() - started)
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        token = CSRF.search(text)
        if token:
            self.csrf = token.group(1)
        if response.status >= 500:
            self.ledger.add("errors", f"{method} {path}: HTTP {response.status}")
        return response.status, text

    def post(self, path, data):
        return self.request("POST", path, {"csrfmiddlewaretoken": self.csrf, **data})

    def login(self, username, password):
        self.request("GET", "/cuenta/entrar/")
        status, _ = self.post("/cuenta/entrar/", {"username": username, "password": password})
        if status != 302:
            raise RuntimeError(f"{username} no pudo entrar (HTTP {status})")


def _form_version(page, indicator_id):
    """The version the capture grid shows for an indicator's March row ('' when there is no avance
    yet), "readonly" when the row is there but no longer editable, None without the row."""
    found = re.search(rf'name="r{indicator_id}-3-version" value="(\d*)"', page)
    if found:
        return found.group(1)
    return "readonly" if f'id="ind-{indicator_id}-m3"' in page else None


def run_capturista(browser, number, plan, program, indicator_ids, stop):
    """Save (and sometimes send) avances of the indicators this capturista shares with a colleague."""
    rng = random.Random(plan.seed * 100 + number)
    # Neighbouring capturistas share indicators, so their edits collide.
    mine = [pk for i, pk in enumerate(indicator_ids) if i % plan.capturistas in (number, (number + 1) % plan.capturistas)]
    path = f"/captura/{LOAD_YEAR}/{LOAD_QUARTER}/{program.pk}/"
    for round_number in range(plan.rounds):
        if stop.is_set():
            return
        indicator_id = rng.choice(mine)
        status, page = browser.request("GET", path)
        version = _form_version(page, indicator_id) if status == 200 else None
        if version is None:
            browser.ledger.add("errors", f"GET {path}: sin formulario para el indicador {indicator_id}")
            continue
        if version == "readonly":  # sent or approved by now: the grid offers nothing to edit
            browser.ledger.add("refused")
            continue
        time.sleep(rng.uniform(0, 0.03))  # the person types; someone else may save meanwhile
        # Unique per session and round: the history then says whose write each version is.
        value = Decimal(rng.randint(60, 140)) + Decimal(number * 1000 + round_number) / 10**6
        action = "enviar" if rng.random() < 0.35 else "guardar"
        row = f"r{indicator_id}-3"
        status, page = browser.post(path, {
            f"{row}-version": version, f"{row}-value": str(value), f"{row}-cause": "Prueba de carga: causa",
            f"{row}-effect": "Prueba de carga: efecto", f"{row}-other_reasons": "",
            "action": f"enviar:{indicator_id}-3" if action == "enviar" else "guardar",
        })
        if status == 302:
            browser.ledger.add("saves", (indicator_id, int(version or 0), value, action == "enviar"))
        elif status == 200 and CONFLICT_TEXT in page:
            browser.ledger.add("conflicts")
        elif status == 200 and NOT_EDITABLE_TEXT in page:
            browser.ledger.add("refused")
        elif status is not None and status < 500:
            browser.ledger.add("errors", f"POST {path} ({indicator_id}): HTTP {status} {_shown_errors(page)}")


def _shown_errors(page):
    return "; ".join(ERROR_TEXT.findall(page)) or "sin confirmación ni motivo"


def run_coordinator(browser, number, plan, stop):
    """Approve (or now and then return) what arrives in the review queue, until capture ends."""
    rng = random.Random(plan.seed * 1000 + number)
    while not stop.is_set():
        status, page = browser.request("GET", "/revision/?estado=enviado")
        pending = REVIEW_LINK.findall(page) if status == 200 else []
        if not pending:
            time.sleep(0.05)
            continue
        progress_id = rng.choice(pending[:10])  # two coordinators often pick the same one
        path = f"/revision/{progress_id}/"
        browser.request("GET", path)
        action = "devolver" if rng.random() < 0.15 else "aprobar"
        status, page = browser.post(path, {"action": action, "note": "Prueba de carga: revisar" if action == "devolver" else ""})
        if status == 302:
            browser.ledger.add("decisions", (int(progress_id), action))
        elif status == 200 and ALREADY_DECIDED_TEXT in page:
            browser.ledger.add("conflicts")
        elif status is not None and status < 500:
            browser.ledger.add("errors", f"POST {path}: HTTP {status} {_shown_errors(page)}")


def run_sessions(base_url, plan, program, indicators, users, password):
    """All sessions at once; capturistas do `plan.rounds` saves each, coordinadores review until
    the capturistas are done. Returns the ledger and the wall time."""
    ledger = Ledger()
    stop = threading.Event()
    ids = [indicator.pk for indicator in indicators]
    capturistas = [u for u in users if u.username.startswith(f"{USER_PREFIX}{CAPTURISTA.lower()}")]
    coordinators = [u for u in users if u.username.startswith(f"{USER_PREFIX}{COORDINADOR.lower()}")]

    def session(user, work):
        browser = Browser(base_url, ledger)
        try:
            browser.login(user.username, password)
            work(browser)
        except Exception as exc:  # a session that dies is an error of the run, not of the checker
            ledger.add("errors", f"{user.username}: {exc.__class__.__name__}: {exc}")

    threads = [
        threading.Thread(target=session, args=(u, lambda b, n=n: run_capturista(b, n, plan, program, ids, stop)))
        for n, u in enumerate(capturistas)
    ]
    reviewers = [
        threading.Thread(target=session, args=(u, lambda b, n=n: run_coordinator(b, n, plan, stop)))
        for n, u in enumerate(coordinators)
    ]
    started = time.perf_counter()
    for thread in threads + reviewers:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    for thread in reviewers:
        thread.join()
    return ledger, time.perf_counter() - started


# --- Verdict ------------------------------------------------------------------------------------


def lost_updates(ledger):
    """Acknowledged writes that the database does not hold as their author meant (see the module
    docstring), and acknowledged approvals whose avance is no longer the approved one."""
    lost = []
    by_indicator = {}
    for indicator_id, loaded, value, sent in ledger.saves:
        by_indicator.setdefault(indicator_id, []).append((loaded, value, sent))
    current = {
        p.indicator_id: p
        for p in Progress.objects.filter(indicator_id__in=by_indicator, fiscal_year=LOAD_YEAR, state__isnull=True)
    }
    history = {}
    for row in Progress.history.filter(indicator_id__in=by_indicator, fiscal_year=LOAD_YEAR, state__isnull=True):
        history.setdefault(row.indicator_id, {}).setdefault(row.version, set()).add(row.value)
    for indicator_id, saves in by_indicator.items():
        versions = history.get(indicator_id, {})
        bases = [loaded for loaded, _value, _sent in saves]
        for loaded, value, _sent in saves:
            if value not in versions.get(loaded + 1, set()) or bases.count(loaded) > 1:
                lost.append(f"indicador {indicator_id}: el valor {value} guardado sobre la versión {loaded}")
        last = max(saves)  # the write built on the newest version
        if indicator_id not in current or current[indicator_id].value != last[1]:
            lost.append(f"indicador {indicator_id}: queda {getattr(current.get(indicator_id), 'value', None)}, "
                        f"se confirmó {last[1]}")
    approved = {pk for pk, action in ledger.decisions if action == "aprobar"}
    for progress in Progress.objects.filter(pk__in=approved):
        if progress.status != ProgressStatus.APROBADO:
            lost.append(f"avance {progress.pk}: se aprobó y ahora está {progress.status}")
    return lost


def report(plan, ledger, seconds, lost):
    latencies = sorted(ledger.latencies) or [0.0]
    actions = [action for _pk, action in ledger.decisions]
    return {
        "sesiones": plan.sessions,
        "capturistas": plan.capturistas,
        "coordinadores": plan.coordinators,
        "indicadores": plan.indicators,
        "solicitudes": ledger.requests,
        "errores": len(ledger.errors),
        "conflictos_detectados": ledger.conflicts,
        "rechazos_por_estado": ledger.refused,
        "guardados_confirmados": len(ledger.saves),
        "envios_confirmados": sum(1 for save in ledger.saves if save[3]),
        "aprobaciones": actions.count("aprobar"),
        "devoluciones": actions.count("devolver"),
        "actualizaciones_perdidas": len(lost),
        "segundos": round(seconds, 2),
        "solicitudes_por_segundo": round(ledger.requests / seconds, 1) if seconds else None,
        "latencia_ms": {
            "p50": round(statistics.median(latencies) * 1000),
            "p95": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000),
            "max": round(latencies[-1] * 1000),
        },
        "detalle_errores": ledger.errors[:20],
        "detalle_perdidas": lost[:20],
    }
