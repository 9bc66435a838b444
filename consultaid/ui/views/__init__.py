"""The main window and the screens it shows: library, consultation, records, patient screen."""
