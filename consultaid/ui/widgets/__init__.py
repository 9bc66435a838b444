"""Reusable widgets: the ink canvas, its toolbar and the illustration panel built from them."""
