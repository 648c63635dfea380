"""parindex: the open system for the Administrative Reform Index (Chỉ số CCHC)."""

__version__ = "0.1.0"
