"""Guards against a Qt binding that corrupts the interpreter (PySide6 6.12.0 under Python 3.11)."""

import sys

from PySide6.QtCore import QObject


def test_void_qt_calls_keep_the_reference_count_of_none():
    before = sys.getrefcount(None)
    holder = QObject()
    for _ in range(200):
        holder.setObjectName("x")
    assert sys.getrefcount(None) >= before - 5
