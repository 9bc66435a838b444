"""Walks a running application's accessibility tree through the AT-SPI bus, as Orca does, and prints every
node a screen reader can reach as one JSON list: role, name, description, states, on-screen extents,
the names of its labelled-by targets, and its text when it has some.

Run by the SYSTEM Python (/usr/bin/python3, with python3-gi and gir1.2-atspi-2.0), not the venv: it is the
screen reader's side, another process speaking only D-Bus to the app. Usage: atspi_walk.py PID"""

import json
import sys
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

STATES = {"focusable": Atspi.StateType.FOCUSABLE, "showing": Atspi.StateType.SHOWING,
          "checkable": Atspi.StateType.CHECKABLE, "focused": Atspi.StateType.FOCUSED}


def describe(node) -> dict:
    states = node.get_state_set()
    extents = node.get_extents(Atspi.CoordType.SCREEN)
    labelled_by = []
    for relation in node.get_relation_set() or []:
        if relation.get_relation_type() == Atspi.RelationType.LABELLED_BY:
            labelled_by += [relation.get_target(i).get_name() or "" for i in range(relation.get_n_targets())]
    text = ""
    try:
        interface = node.get_text_iface()
        if interface is not None:
            text = interface.get_text(0, interface.get_character_count())
    except Exception:  # noqa: BLE001 (a node without text)
        pass
    return {"role": node.get_role_name(), "name": node.get_name() or "",
            "description": node.get_description() or "", "text": text, "labelled_by": labelled_by,
            "x": extents.x, "y": extents.y, "w": extents.width, "h": extents.height,
            **{word: states.contains(state) for word, state in STATES.items()}}


def walk(node, out: list, depth: int = 0) -> None:
    if depth > 60:
        return
    out.append(describe(node))
    for index in range(node.get_child_count()):
        child = node.get_child_at_index(index)
        if child is not None:
            walk(child, out, depth + 1)


def main(pid: int) -> None:
    desktop = Atspi.get_desktop(0)
    for _ in range(100):
        for index in range(desktop.get_child_count()):
            application = desktop.get_child_at_index(index)
            if application is not None and application.get_process_id() == pid:
                nodes: list = []
                walk(application, nodes)
                print(json.dumps(nodes))
                return
        time.sleep(0.1)
    print(json.dumps({"error": f"no application with process id {pid} on the accessibility bus"}))


if __name__ == "__main__":
    main(int(sys.argv[1]))
