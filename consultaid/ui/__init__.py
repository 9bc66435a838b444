"""The Qt interface: a thin layer over the Qt-free content, consultation and report packages."""
