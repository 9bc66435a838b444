#!/bin/sh
# Installs this ConsultAid bundle for every user of the machine (run as root):
#   sudo ./install.sh            -> /opt/ConsultAid, /usr/local/bin/consultaid, menu entry and icon
#   sudo ./install.sh --uninstall
# Records stay in each user's ~/.local/share/ConsultAid and are never touched by either.
set -eu
prefix=/opt/ConsultAid
share=/usr/local/share
here="$(cd "$(dirname "$0")" && pwd)"
if [ "${1:-}" = "--uninstall" ]; then
  rm -f /usr/local/bin/consultaid "$share/applications/org.consultaid.ConsultAid.desktop" \
    "$share/icons/hicolor/scalable/apps/org.consultaid.ConsultAid.svg" \
    "$share/metainfo/org.consultaid.ConsultAid.metainfo.xml"
  rm -rf "$prefix"
  echo "ConsultAid removed."
  exit 0
fi
if [ "$here" != "$prefix" ]; then
  rm -rf "$prefix.new"
  cp -a "$here" "$prefix.new"
  rm -rf "$prefix"
  mv "$prefix.new" "$prefix"
fi
mkdir -p /usr/local/bin
ln -sf "$prefix/consultaid" /usr/local/bin/consultaid
install -D -m 0644 "$prefix/share/applications/org.consultaid.ConsultAid.desktop" \
  "$share/applications/org.consultaid.ConsultAid.desktop"
install -D -m 0644 "$prefix/share/icons/hicolor/scalable/apps/org.consultaid.ConsultAid.svg" \
  "$share/icons/hicolor/scalable/apps/org.consultaid.ConsultAid.svg"
install -D -m 0644 "$prefix/share/metainfo/org.consultaid.ConsultAid.metainfo.xml" \
  "$share/metainfo/org.consultaid.ConsultAid.metainfo.xml"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
"$prefix/consultaid" --self-test
