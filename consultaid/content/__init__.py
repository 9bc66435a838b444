"""Procedure content packs: loading, validation, fingerprints. No Qt in this package."""
