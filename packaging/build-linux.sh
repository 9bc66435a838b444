#!/usr/bin/env bash
# Builds the Linux one-folder bundle from this checkout, packs it as a tarball, then proves the frozen
# app works on its own: it extracts the tarball into an empty folder and runs `consultaid --self-test`
# with a PATH that holds no Python, under strace, and fails if the frozen app opened any Python file
# outside the bundle.
#   bash packaging/build-linux.sh           -> dist/ConsultAid-<version>-linux-x86_64.tar.gz
# Everything is built under build/ (the build venv, PyInstaller's work folder) and dist/; both are
# ignored by git. PYTHON chooses the interpreter of the build venv (default python3, 3.11 or newer).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"
started=$(date +%s)

python="${PYTHON:-python3}"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "The build needs Python 3.11 or newer; found $("$python" --version 2>&1)" >&2; exit 1; }

version="$("$python" -c 'import re,sys; print(re.search(r"__version__\s*=\s*\"([^\"]+)\"", open("consultaid/__init__.py").read())[1])')"
arch="$(uname -m)"
name="ConsultAid-${version}-linux-${arch}"
venv="build/venv-build"

echo "== build venv ($venv)" >&2
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "pyinstaller>=6.5" "$REPO"

echo "== PyInstaller" >&2
rm -rf build/pyinstaller dist/ConsultAid "dist/${name}.tar.gz"
# Run from build/ so that PyInstaller imports the installed package, not the checkout.
(cd build && "../$venv/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath "$REPO/dist" --workpath "$REPO/build/pyinstaller" "$REPO/packaging/consultaid.spec")

bundle="dist/ConsultAid"
echo "== desktop entry, icon, AppStream metadata" >&2
install -D -m 0644 packaging/linux/consultaid.desktop "$bundle/share/applications/org.consultaid.ConsultAid.desktop"
install -D -m 0644 packaging/linux/consultaid.svg "$bundle/share/icons/hicolor/scalable/apps/org.consultaid.ConsultAid.svg"
install -D -m 0644 packaging/linux/org.consultaid.ConsultAid.metainfo.xml \
  "$bundle/share/metainfo/org.consultaid.ConsultAid.metainfo.xml"
install -m 0755 packaging/linux/install.sh "$bundle/install.sh"
printf '%s\n' "$version" > "$bundle/VERSION"

echo "== tarball" >&2
tar -C dist -czf "dist/${name}.tar.gz" --owner=0 --group=0 ConsultAid
built=$(date +%s)

echo "== frozen self-test, from a copy in an empty folder, with no Python on PATH" >&2
scratch="$(mktemp -d)"
trap '[ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$scratch"' EXIT
mkdir -p "$scratch/app" "$scratch/home" "$scratch/nopython"
tar -C "$scratch/app" -xzf "dist/${name}.tar.gz"
# PATH is one empty folder: no python3, no python, nothing else. HOME and the data folder are empty.
if env -i PATH="$scratch/nopython" sh -c 'command -v python3 || command -v python' >/dev/null 2>&1; then
  echo "A Python is still reachable through PATH" >&2; exit 1
fi
run=(/usr/bin/env -i PATH="$scratch/nopython" HOME="$scratch/home" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen
     CONSULTAID_DATA_DIR="$scratch/home/data" "$scratch/app/ConsultAid/consultaid" --self-test)
if command -v strace >/dev/null 2>&1; then
  # Record every file the frozen app opens or executes; any Python file from outside the bundle
  # (the system's /usr/lib/python3*, a venv, pyenv…) would mean the bundle is not self-contained.
  strace -f -qq -e trace=openat,open,execve -e status=successful -o "$scratch/trace" "${run[@]}" \
    | tee "$scratch/report"
  outside="$(grep -oE '"[^"]+"' "$scratch/trace" | tr -d '"' | grep -v "^$scratch/" \
    | grep -E 'python|\.py[c]?$|site-packages' | sort -u || true)"
  if [ -n "$outside" ]; then
    echo "The frozen app used Python files from outside the bundle:" >&2; echo "$outside" >&2; exit 1
  fi
  echo "strace: no Python file opened outside the bundle ($(grep -c . "$scratch/trace") calls traced)" >&2
else
  "${run[@]}" | tee "$scratch/report"
  echo "strace not installed: only PATH was checked" >&2
fi
grep -q "self-test: .* packs, summary .* pages, seal verified, window ok" "$scratch/report"
env -i PATH="$scratch/nopython" "$scratch/app/ConsultAid/consultaid" --version

finished=$(date +%s)
echo "FROZEN SELF-TEST PASSED"
echo "bundle: dist/${name}.tar.gz $(du -h "dist/${name}.tar.gz" | cut -f1) compressed, $(du -sh "$bundle" | cut -f1) unpacked"
echo "build time: $((built - started)) s (self-test $((finished - built)) s)"
