"""Pendamping: KUBE mentoring by TKSK and Puskesos."""

__version__ = "0.1.0"
