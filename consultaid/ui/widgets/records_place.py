"""The status bar's permanent note of where the records are (this workstation, or the clinic server by
name) and whether everything has reached the server: offline, how much waits, and conflicts."""

from __future__ import annotations

from consultaid.i18n import _, ngettext


def describe(store) -> tuple[str, bool]:
    """(the words, whether they are a warning) for the store's whereabouts (consultation/record_store.py)."""
    if store is None:
        return _("Records: not being saved (the record store did not open)"), True
    where = store.whereabouts()
    if where.place == "workstation":
        return _("Records: on this workstation"), False
    if not where.online and where.problem == "disk_full":
        text = _("The clinic server {server} cannot store: its disk is full (tell IT). Work is saved on this "
                 "workstation and sent when there is room").format(server=where.server) + " (" + ngettext(
            "{count} item waiting", "{count} items waiting", where.waiting).format(count=where.waiting) + ")"
        warning = True
    elif not where.online:
        text = _("Offline: the clinic server {server} cannot be reached. Work is saved on this workstation "
                 "and sent when it is back").format(server=where.server) + " (" + ngettext(
            "{count} item waiting", "{count} items waiting", where.waiting).format(count=where.waiting) + ")"
        warning = True
    elif where.waiting:
        text = _("Records: clinic server {server}").format(server=where.server) + ", " + ngettext(
            "{count} item still to send", "{count} items still to send", where.waiting).format(count=where.waiting)
        warning = True
    else:
        text = _("Records: clinic server {server}, everything is on the server").format(server=where.server)
        warning = False
    if where.conflicts:
        text += ". " + ngettext("{count} conflict with the server: kept here, call IT",
                                "{count} conflicts with the server: kept here, call IT",
                                where.conflicts).format(count=where.conflicts)
        warning = True
    return ("\u26a0 " + text if warning else text), warning
