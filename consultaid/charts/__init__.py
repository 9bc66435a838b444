"""Qt-free charts shared by screen and PDF: their geometry (risk_chart, icon_array, timeline), their
drawing against a small surface protocol (surface, draw_*), and the one palette (palette)."""
