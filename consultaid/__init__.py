"""ConsultAid: a consultation aid for surgeons and their patients."""

# The one source of truth for the version (pyproject reads it; About box, PDF footer and --version show it).
__version__ = "0.1.0"
