"""Catalogs and the programme structure: ramos, URs, entidades, programas presupuestarios,
their matrices (MIR / FID / Programa Institucional) and the objectives (rows) of each matrix."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Ramo(models.Model):
    clave = models.CharField(_("clave"), max_length=10, unique=True)
    name = models.CharField(_("nombre"), max_length=255)

    class Meta:
        verbose_name = _("ramo")
        verbose_name_plural = _("ramos")
        ordering = ["clave"]

    def __str__(self):
        return f"Ramo {self.clave} {self.name}"


class ResponsibleUnit(models.Model):
    ramo = models.ForeignKey(Ramo, on_delete=models.PROTECT, related_name="units", verbose_name=_("ramo"))
    clave = models.CharField(_("clave"), max_length=10)
    name = models.CharField(_("nombre"), max_length=255)
    is_fictitious = models.BooleanField(
        _("ficticia"), default=False, help_text=_("Dato ilustrativo de la demostración, no real.")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="responsible_units", verbose_name=_("usuarios"),
        help_text=_("Usuarios cuyo alcance incluye esta unidad responsable."),
    )

    class Meta:
        verbose_name = _("unidad responsable")
        verbose_name_plural = _("unidades responsables")
        ordering = ["ramo__clave", "clave"]
        constraints = [
            models.UniqueConstraint(fields=["ramo", "clave"], name="unique_ur_per_ramo"),
        ]

    def __str__(self):
        return f"{self.clave} {self.name}"


class State(models.Model):
    """Entidad federativa (INEGI catalog)."""

    clave = models.CharField(_("clave INEGI"), max_length=2, unique=True)
    name = models.CharField(_("nombre"), max_length=60, unique=True)
    abbreviation = models.CharField(_("abreviatura"), max_length=6, unique=True)

    class Meta:
        verbose_name = _("entidad federativa")
        verbose_name_plural = _("entidades federativas")
        ordering = ["clave"]

    def __str__(self):
        return self.name


class Level(models.TextChoices):
    """Nivel of a MIR row; the integer is ID_NIVEL in the SHCP layout."""

    FIN = "Fin", _("Fin")
    PROPOSITO = "Propósito", _("Propósito")
    COMPONENTE = "Componente", _("Componente")
    ACTIVIDAD = "Actividad", _("Actividad")
    FID = "FID", _("FID")
    OBJETIVO_PI = "Objetivo prioritario", _("Objetivo prioritario")


# MIR order (Fin → Actividad, then FID and PI rows): the order every list and report follows.
MIR_ORDER = list(Level)


def level_rank(level):
    """Position of a nivel in MIR order; anything unknown goes last."""
    return MIR_ORDER.index(level) if level in MIR_ORDER else len(MIR_ORDER)


LEVEL_BY_ID = {
    1: Level.FIN,
    2: Level.PROPOSITO,
    3: Level.COMPONENTE,
    4: Level.ACTIVIDAD,
    5: Level.FID,
}
ID_BY_LEVEL = {level: number for number, level in LEVEL_BY_ID.items()}


class Program(models.Model):
    """Programa presupuestario (Pp) of one ejercicio; identified by (ejercicio, ramo, clave)."""

    fiscal_year = models.PositiveSmallIntegerField(_("ejercicio"))
    ramo = models.ForeignKey(Ramo, on_delete=models.PROTECT, related_name="programs", verbose_name=_("ramo"))
    modalidad = models.CharField(_("modalidad"), max_length=1, help_text=_("Letra de la modalidad, p. ej. E, S, U, K, M, O."))
    modalidad_name = models.CharField(_("descripción de la modalidad"), max_length=255, blank=True)
    number = models.PositiveSmallIntegerField(_("número"))
    name = models.CharField(_("nombre"), max_length=500)
    responsible_unit = models.ForeignKey(
        ResponsibleUnit,
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("unidad responsable"),
    )
    registered_indicators = models.PositiveSmallIntegerField(
        _("indicadores registrados en el PASH"),
        null=True,
        blank=True,
        help_text=_("Total que la fuente informa; puede ser mayor que los cargados."),
    )
    is_fictitious = models.BooleanField(
        _("ficticio"), default=False, help_text=_("Programa ilustrativo de la demostración, no real.")
    )
    source_note = models.TextField(_("fuente"), blank=True)
    # Hacienda's open-data columns of the programme (docs/intercambio.md, «Columnas de Hacienda que se
    # guardan»): kept as published and exported, used by no rule.
    modalidad_pp = models.TextField(_("MODALIDAD_PP"), blank=True)
    pnd_id = models.TextField(_("PND (ID_PND)"), blank=True)
    pnd_name = models.TextField(_("descripción del PND"), blank=True)
    pnd_objective = models.TextField(_("objetivo del PND"), blank=True)
    pnd_program = models.TextField(_("programa derivado del PND"), blank=True)
    pnd_program_name = models.TextField(_("descripción del programa derivado del PND"), blank=True)
    pnd_program_objective = models.TextField(_("objetivo del programa derivado del PND"), blank=True)
    pnd_program_objective_name = models.TextField(_("descripción del objetivo del programa derivado del PND"), blank=True)
    strategic_objective = models.TextField(_("objetivo estratégico"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="programs", verbose_name=_("usuarios"),
        help_text=_("Usuarios cuyo alcance incluye este programa (además de los de sus URs)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programa presupuestario")
        verbose_name_plural = _("programas presupuestarios")
        ordering = ["fiscal_year", "ramo__clave", "modalidad", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "ramo", "modalidad", "number"], name="unique_program_per_year"
            ),
            models.CheckConstraint(
                condition=Q(modalidad__regex=r"^[A-Z]$"), name="program_modalidad_is_letter"
            ),
        ]

    def __str__(self):
        label = f"{self.clave} {self.name} ({self.fiscal_year})"
        return f"{label} [ficticio]" if self.is_fictitious else label

    @property
    def clave(self):
        return f"{self.modalidad}{self.number:03d}"

    def clean(self):
        if self.modalidad and not (len(self.modalidad) == 1 and "A" <= self.modalidad <= "Z"):
            raise ValidationError({"modalidad": _("La modalidad es una sola letra mayúscula (A-Z).")})
        if self.responsible_unit_id and self.ramo_id and self.responsible_unit.ramo_id != self.ramo_id:
            raise ValidationError({"responsible_unit": _("La unidad responsable debe pertenecer al mismo ramo del programa.")})


class Matrix(models.Model):
    """An instrument of indicators: the MIR or FID of a Pp, or a Programa Institucional."""

    class Kind(models.TextChoices):
        MIR = "MIR", _("Matriz de Indicadores para Resultados (MIR)")
        FID = "FID", _("Ficha de Indicadores del Desempeño (FID)")
        PI = "PI", _("Programa Institucional")

    kind = models.CharField(_("tipo"), max_length=3, choices=Kind.choices)
    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        related_name="matrices",
        null=True,
        blank=True,
        verbose_name=_("programa presupuestario"),
        help_text=_("Obligatorio para MIR y FID; vacío para un Programa Institucional."),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("ejercicio (o primer año)"))
    last_year = models.PositiveSmallIntegerField(_("último año"), null=True, blank=True)
    external_id = models.CharField(_("ID de matriz"), max_length=30, blank=True)
    name = models.CharField(_("nombre"), max_length=500, blank=True)
    responsible_unit = models.ForeignKey(
        ResponsibleUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="institutional_matrices",
        verbose_name=_("unidad responsable"),
        help_text=_("Solo para un Programa Institucional (para MIR/FID, la del programa)."),
    )
    source_note = models.TextField(_("fuente"), blank=True)

    class Meta:
        verbose_name = _("matriz")
        verbose_name_plural = _("matrices")
        ordering = ["fiscal_year", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "kind"], name="unique_matrix_kind_per_program"),
            models.CheckConstraint(
                condition=Q(kind="PI", program__isnull=True) | (~Q(kind="PI") & Q(program__isnull=False)),
                name="matrix_program_iff_not_pi",
            ),
        ]

    def __str__(self):
        if self.program_id:
            return f"{self.kind} {self.program.clave} ({self.fiscal_year})"
        return self.name or f"{self.get_kind_display()} {self.fiscal_year}"

    def clean(self):
        if self.kind == self.Kind.PI and self.program_id:
            raise ValidationError({"program": _("Un Programa Institucional no pertenece a un programa presupuestario.")})
        if self.kind != self.Kind.PI and not self.program_id:
            raise ValidationError({"program": _("Una MIR o FID debe pertenecer a un programa presupuestario.")})
        if self.program_id and self.fiscal_year != self.program.fiscal_year:
            raise ValidationError({"fiscal_year": _("El ejercicio de la matriz debe ser el de su programa.")})
        if self.last_year and self.last_year < self.fiscal_year:
            raise ValidationError({"last_year": _("El último año no puede ser anterior al primero.")})

    @property
    def unit(self):
        return self.program.responsible_unit if self.program_id else self.responsible_unit


class Objective(models.Model):
    """A row of a matrix (resumen narrativo): nivel, clave (C1, A1.1…), parent."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("matriz"))
    level = models.CharField(_("nivel"), max_length=20, choices=Level.choices)
    clave = models.CharField(
        _("ID de objetivo"), max_length=30, blank=True, help_text=_("Vacío solo en filas FID, que no tienen objetivo.")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("objetivo padre"),
    )
    # A parent named by an import before it was known; the import that brings it links the two.
    pending_parent_clave = models.CharField(
        _("ID del objetivo padre por enlazar"), max_length=30, blank=True,
        help_text=_("El archivo importado nombró este padre, que aún no estaba registrado."),
    )
    summary = models.TextField(_("resumen narrativo"), blank=True)
    assumptions = models.TextField(_("supuestos"), blank=True)
    verification_means = models.TextField(_("medios de verificación"), blank=True)

    class Meta:
        verbose_name = _("objetivo")
        verbose_name_plural = _("objetivos")
        ordering = ["matrix", "clave"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "clave"], name="unique_objective_clave_per_matrix"),
            models.CheckConstraint(
                condition=~Q(clave="") | Q(level="FID"), name="objective_clave_required_unless_fid"
            ),
        ]

    def __str__(self):
        text = self.summary[:80] + ("…" if len(self.summary) > 80 else "")
        return f"{self.level} {self.clave}: {text}".strip()

    def clean(self):
        if not self.clave and self.level != Level.FID:
            raise ValidationError({"clave": _("El ID de objetivo es obligatorio salvo en filas FID.")})
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": _("Un objetivo no puede ser su propio padre.")})
            if self.parent.matrix_id != self.matrix_id:
                raise ValidationError({"parent": _("El objetivo padre debe pertenecer a la misma matriz.")})
