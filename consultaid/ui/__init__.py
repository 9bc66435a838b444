"""The Qt interface: a thin layer over the Qt-free content, consultation and report packages."""

from consultaid.ui.services.pyside_imports import answer_without_keeping_sources

# Before any other module of the interface is imported: from here on PySide6 keeps no module's source
# in memory (ui/services/pyside_imports.py).
answer_without_keeping_sources()
