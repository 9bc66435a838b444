"""The hospital package stays Qt-free, opens no connection unless asked to send, and speaks French."""

from __future__ import annotations

import re
import socket

import pytest

from consultaid.hospital.errors import HospitalError
from consultaid.hospital.fhir_bundle import build_bundle
from consultaid.hospital.hl7_mdm import build_mdm_t02
from consultaid.hospital.mllp import send_message
from consultaid.i18n import set_interface_language
from tests.conftest import REPO
from tests.peers.records import document, settings

QT_IMPORT = re.compile(r"^\s*(from|import)\s+(PySide6|shiboken6)\b", re.MULTILINE)


def test_the_hospital_package_imports_no_qt():
    files = sorted((REPO / "consultaid" / "hospital").glob("*.py"))
    assert files and [path.name for path in files if QT_IMPORT.search(path.read_text(encoding="utf-8"))] == []


def test_making_both_messages_opens_no_socket(tmp_path, monkeypatch):
    doc, _ = document(tmp_path, decision="proceed")

    def refuse(*args, **kwargs):
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert build_mdm_t02(doc).startswith("MSH|")
    assert build_bundle(doc)["type"] == "transaction"
    with pytest.raises(HospitalError):
        send_message(settings(), build_mdm_t02(doc))  # nothing configured: refused before any socket


def test_errors_are_one_translated_line_without_patient_data(tmp_path):
    doc, _ = document(tmp_path)
    set_interface_language("fr")
    try:
        with pytest.raises(HospitalError) as off:
            send_message(settings(), build_mdm_t02(doc))
    finally:
        set_interface_language("en")
    assert str(off.value) == "Aucun destinataire HL7 (MLLP) n'est configuré."
