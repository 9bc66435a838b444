"""Procedure content packs: loading, validation, fingerprints. No Qt in this package."""

# The facts file every pack folder has; the words are in one <language>.yaml per language beside it. Here,
# not in model.py: finding the packs of a folder must not cost importing the model (ui/views/library_page.py).
PACK_FILE = "pack.yaml"
