"""Dialogs and windows that open over the main window."""
