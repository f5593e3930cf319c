#!/usr/bin/env bash
# Install the system software the report kit needs, if it is missing: a Chromium-family
# browser (prints the PDFs), the shared libraries the browser and Playwright's driver load
# (its bundled node needs libatomic.so.1), fontconfig, poppler-utils (PDF checks in tests)
# and Python's venv. The report font is not among them: the kit ships its own font file
# (src/reportkit/fonts/), so an old `fonts-liberation` 1.07 beside it changes nothing.
# Idempotent: installs only what is absent, so `make` can run it every time.
# Uses apt-get (Debian/Ubuntu); elsewhere it only reports what to install.
set -euo pipefail

say() { printf 'setup-system: %s\n' "$*"; }

# Same names and places as reportkit.export.pdf.find_browser.
BROWSER_NAMES=(chromium chromium-browser google-chrome google-chrome-stable
  microsoft-edge microsoft-edge-stable msedge)
BROWSER_PATHS=(/usr/bin/chromium /usr/bin/chromium-browser /usr/lib/chromium/chromium
  /snap/bin/chromium /usr/bin/google-chrome /usr/bin/google-chrome-stable
  /opt/google/chrome/chrome /usr/bin/microsoft-edge /usr/bin/microsoft-edge-stable
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"
  "/Applications/Chromium.app/Contents/MacOS/Chromium"
  "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge")

find_browser() {
  if [[ -n "${REPORTKIT_BROWSER:-}" ]]; then
    command -v -- "$REPORTKIT_BROWSER" && return 0
    say "REPORTKIT_BROWSER=$REPORTKIT_BROWSER is not an executable; looking for others" >&2
  fi
  local name path
  for name in "${BROWSER_NAMES[@]}"; do
    command -v -- "$name" && return 0
  done
  for path in "${BROWSER_PATHS[@]}"; do
    [[ -x "$path" ]] && { printf '%s\n' "$path"; return 0; }
  done
  return 1
}

has_serif_font() {
  if command -v fc-list >/dev/null; then
    fc-list : family | grep -iE 'Times New Roman|Liberation Serif|Tinos' >/dev/null
    return
  fi
  # No fontconfig (e.g. macOS): look for the font files themselves.
  local f
  for f in /System/Library/Fonts/Supplemental/Times\ New\ Roman.ttf \
    /Library/Fonts/Times\ New\ Roman.ttf /usr/share/fonts/truetype/liberation*/LiberationSerif-Regular.ttf; do
    [[ -e "$f" ]] && return 0
  done
  return 1
}

missing=()

if browser=$(find_browser); then
  say "browser: $browser"
else
  say "browser: none found; will install chromium"
  missing+=(chromium)
fi

# The reports embed the kit's own Liberation Serif 2 file; a system serif is only a fallback
# for pages opened without it (the index). fonts-liberation2 has Vietnamese letters, the old
# fonts-liberation 1.07 (which Debian's chromium recommends) does not: want the new one.
if has_serif_font && fc-list 2>/dev/null | grep 'liberation2/LiberationSerif' >/dev/null; then
  say "serif font: Liberation Serif 2 present"
elif has_serif_font && ! command -v apt-get >/dev/null; then
  say "serif font: Times New Roman or Liberation Serif present"
else
  say "serif font: no Liberation Serif 2 (fonts-liberation 1.07 lacks Vietnamese); will install fonts-liberation2"
  missing+=(fonts-liberation2)
fi

# Libraries the browser's executable and Playwright's bundled node load, by package. Only
# on Debian/Ubuntu (dpkg): elsewhere the browser comes with its own.
SHARED_LIBRARIES=(libatomic1)
if command -v dpkg-query >/dev/null; then
  for package in "${SHARED_LIBRARIES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep 'ok installed' >/dev/null || missing+=("$package")
  done
fi

command -v fc-list >/dev/null || missing+=(fontconfig)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)

# `make` creates the virtualenv next; Debian ships venv/ensurepip separately.
if ! command -v python3 >/dev/null; then
  missing+=(python3 python3-venv)
elif ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  missing+=(python3-venv)
fi

# What the browser and Playwright's node actually load: a library `ldd` cannot find is named,
# whatever this machine happens to have (cheap: two ldd calls).
check_libraries() {
  command -v ldd >/dev/null || return 0
  local binary browser_path lost=0
  local binaries=()
  if browser_path=$(find_browser); then
    # /usr/bin/chromium is a shell wrapper on Debian; the executable is beside it in /usr/lib.
    [[ -x /usr/lib/chromium/chromium && "$browser_path" == /usr/bin/chromium ]] && browser_path=/usr/lib/chromium/chromium
    binaries+=("$browser_path")
  fi
  for binary in .venv/lib/python3*/site-packages/playwright/driver/node; do
    [[ -x "$binary" ]] && binaries+=("$binary")
  done
  for binary in "${binaries[@]}"; do
    if ldd "$binary" 2>/dev/null | grep 'not found'; then
      say "$binary cannot load the libraries above; install them (apt-file search <name>)"
      lost=1
    fi
  done
  return "$lost"
}

# `setup-system.sh --libraries`: only that check (make runs it once the venv has Playwright).
if [[ "${1:-}" == --libraries ]]; then
  check_libraries || exit 1
  say "browser and Playwright driver find every library they load"
  exit 0
fi

if ((${#missing[@]} == 0)); then
  check_libraries || exit 1
  say "nothing to install"
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  say "missing: ${missing[*]}"
  say "no apt-get here: install a Chromium/Chrome/Edge browser (or set REPORTKIT_BROWSER)"
  say "and the Liberation Serif or Times New Roman font with this system's package manager."
  exit 1
fi

sudo=()
if ((EUID != 0)); then
  command -v sudo >/dev/null || { say "not root and no sudo: run as root"; exit 1; }
  sudo=(sudo)
fi

say "installing: ${missing[*]}"
say "running: ${sudo[*]:+${sudo[*]} }apt-get update"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
say "running: ${sudo[*]:+${sudo[*]} }apt-get install -y ${missing[*]}"
if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"; then
  say "apt-get install failed. On Ubuntu the chromium package needs snap; instead install"
  say "Google Chrome (.deb from google.com/chrome) and set REPORTKIT_BROWSER to its path."
  exit 1
fi

if [[ " ${missing[*]} " == *" chromium "* ]] && ! find_browser >/dev/null; then
  say "chromium was installed but no browser executable was found; set REPORTKIT_BROWSER"
  exit 1
fi
check_libraries
say "done"
