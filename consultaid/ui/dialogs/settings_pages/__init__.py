"""The pages of the Settings dialog, one per tab, each loading its part of the settings and giving it back.

After MusicBrainz Picard's option pages: a page builds its fields, `load()`s them from a `Settings`, and on
OK `collect()`s what they say (plus any problem found in reading them) into the values the dialog turns into
the new `Settings`. A new kind of setting is a new page, not a longer dialog.
"""
