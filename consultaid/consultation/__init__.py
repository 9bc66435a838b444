"""The consultation being run and its record. No Qt in this package."""
