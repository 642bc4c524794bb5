"""What is measured and against what: the indicator with its ficha técnica, variables, metas and
their adjustments, and the per-ejercicio policy the rules read."""

from indicators.models.fields import JUSTIFICATION_MAX, justification_field, ratio_constraints, value_field
from indicators.models.indicator import Indicator, Variable
from indicators.models.policy import FiscalYearPolicy
from indicators.models.targets import PeriodValue, Target, TargetAdjustment

__all__ = [
    "JUSTIFICATION_MAX", "FiscalYearPolicy", "Indicator", "PeriodValue", "Target", "TargetAdjustment", "Variable",
    "justification_field", "ratio_constraints", "value_field",
]
