"""Avances al periodo with their evidence and workflow transitions, and the capture windows."""

from reporting.models.progress import Evidence, Progress, ProgressTransition, ReviewedRecord, evidence_path
from reporting.models.windows import AnnualWindow, CaptureWindow, WindowExtension

__all__ = ["AnnualWindow", "CaptureWindow", "Evidence", "Progress", "ProgressTransition", "ReviewedRecord",
           "WindowExtension", "evidence_path"]
