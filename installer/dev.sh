#!/usr/bin/env bash
# Sets up what EPN Kiosk needs on a Debian 12 machine, then runs the demo or the tests.
#
#   installer/dev.sh demo   the demo room: console, staff window, three kiosks (sandbox);
#                           `demo pc`: one kiosk without a console (python -m installer.demo)
#   installer/dev.sh test   everything CI checks: ruff, mypy, the whole test suite
#
# Installs what is missing: Debian packages when run as root (otherwise it names them),
# a virtual environment in .venv with the project, both products' dependencies and the test
# tools (`pip install -e .[test]`; a single PC needs only .[kiosk] or .[console]).
set -euo pipefail
cd "$(dirname "$0")/.."

# Qt's offscreen and xcb platforms, fonts with French accents and joined Arabic, a voice
# for "read aloud", Xvfb for real windows in tests, PostgreSQL for the console's tests
# (the test suite starts its own private cluster), CUPS for the printing tests (a private
# cupsd too), the headers pycups compiles against, qpdf and poppler's pdfinfo for test
# documents and the print benchmark's reference.
DEBIAN_PACKAGES=(
  python3 python3-venv
  libegl1 libgl1 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0 libdbus-1-3 libx11-6
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
  libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 xvfb xauth libxss1 xdotool
  # The visitor's window manager, and xwininfo/xprop to read window geometries in its test.
  openbox x11-utils
  # Noto: the Ge'ez letters of Tigrinya and Pashto's ۍ, which DejaVu lacks (the screens' tests).
  fonts-dejavu-core fonts-noto-core espeak-ng
  postgresql
  gcc python3-dev libcups2-dev cups cups-client cups-bsd qpdf poppler-utils
  # The eID card's test: pcscd, the reader driver, OpenSC and NSS's modutil, both browsers.
  pcscd libccid opensc libnss3-tools firefox-esr chromium
  # The Debian packages' build (python -m installer.deb; debian/control's Build-Depends)
  # and lintian, which the test suite runs on them.
  debhelper dh-virtualenv python3.11-venv python3.11-dev lintian
  # The console's apt repository (apt-ftparchive, gpg) and its PCs' check of it (gpgv).
  apt-utils gnupg gpgv
  # GNU gettext's msgfmt: the test command checks every catalogue of texts with it
  # (python -m installer.catalogues check), as translators' tools and Weblate do.
  gettext
)

# The demo room's PCs, only for `demo`: a nested X server per PC (each PC a window of its
# own), and what a visitor needs on it: Firefox ESR, LibreOffice Writer and Calc, a PDF viewer,
# a file manager. The test command stays without them (its tests skip what is missing).
DEMO_PACKAGES=(
  xserver-xephyr openbox firefox-esr libreoffice-writer libreoffice-calc evince pcmanfm
  # Firefox and LibreOffice in the visitor's language, and its locales (fr_BE, nl_BE…).
  locales
  firefox-esr-l10n-fr firefox-esr-l10n-nl firefox-esr-l10n-ar firefox-esr-l10n-tr firefox-esr-l10n-es-es
  firefox-esr-l10n-uk firefox-esr-l10n-ru firefox-esr-l10n-ro firefox-esr-l10n-pt-pt firefox-esr-l10n-pl
  firefox-esr-l10n-bg firefox-esr-l10n-fa
  libreoffice-l10n-fr libreoffice-l10n-nl libreoffice-l10n-ar libreoffice-l10n-tr libreoffice-l10n-es
  libreoffice-l10n-uk libreoffice-l10n-ru libreoffice-l10n-ro libreoffice-l10n-pt libreoffice-l10n-pl
  libreoffice-l10n-bg libreoffice-l10n-fa
)

say() { printf '\033[1m[epn-kiosk]\033[0m %s\n' "$*" >&2; }

install_debian_packages() {
  # The packages to install: DEBIAN_PACKAGES, and those given as arguments.
  local wanted=("${DEBIAN_PACKAGES[@]}" "$@")
  command -v dpkg-query >/dev/null || { say "not a Debian system: install the equivalents of: ${wanted[*]}"; return 0; }
  local missing=()
  for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing Debian packages (run as root, or: sudo apt-get install ${missing[*]})"
  fi
}

make_locales() {
  # The visitors' locales, so the demo's programs speak the language chosen on the PC.
  [ "$(id -u)" -eq 0 ] && command -v localedef >/dev/null || return 0
  local name
  for name in fr_BE nl_BE en_GB ar_MA tr_TR es_ES uk_UA ru_RU ro_RO pt_PT pl_PL bg_BG fa_IR ps_AF ti_ER; do
    locale -a 2>/dev/null | grep -qx "${name}.utf8" || localedef -i "$name" -f UTF-8 "${name}.UTF-8" || true
  done
}

python_for_venv() {
  local candidate
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null \
      && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  say "Python 3.11 or newer is needed"; return 1
}

make_venv() {
  # Reinstall only when pyproject.toml changed since the last install.
  local stamp=.venv/.epn-installed want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ ! -x .venv/bin/python ]; then
    local python; python=$(python_for_venv)
    say "creating .venv with $python"
    "$python" -m venv .venv
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing Python packages into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[test]'
    echo "$want" > "$stamp"
  fi
}

run_tests() {
  export PYTHONDONTWRITEBYTECODE=1
  say "ruff"
  .venv/bin/ruff check .
  say "mypy"
  .venv/bin/mypy
  say "import contracts"
  .venv/bin/lint-imports --no-cache
  say "pytest"
  # pytest exits 5 when it collected nothing: set -e makes that a failure too.
  # The 20 slowest tests are listed at the end, to keep the suite within its time.
  .venv/bin/pytest --durations=20 "$@"
}

case "${1:-}" in
  demo)
    shift
    install_debian_packages "${DEMO_PACKAGES[@]}"
    make_locales
    make_venv
    exec .venv/bin/python -m installer.demo "$@"
    ;;
  test)
    shift
    install_debian_packages
    make_venv
    run_tests "$@"
    ;;
  *)
    echo "usage: installer/dev.sh demo|test [args]" >&2
    exit 2
    ;;
esac
