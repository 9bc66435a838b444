"""Qt-free geometry shared by screen and PDF."""
