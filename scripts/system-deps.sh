#!/usr/bin/env bash
# Installs the Debian packages ecrm needs beside its Python packages: the libraries Qt loads for a real
# (X11) or offscreen window, fonts, and Xvfb for a window on a machine with no display.
# Installs only what is missing; uses sudo when not root.
set -euo pipefail

packages=(
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0 fonts-dejavu-core
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xinerama0
  libxcb-randr0 libxcb-shape0 libxcb-xkb1 xvfb xauth
  # packaging: building the .deb and proving it installs on a clean Debian chroot
  debootstrap binutils
  # screenshots: pages of the PDF report rendered to PNG (pdftoppm)
  poppler-utils
  # tests of the email channel: a real IMAP server (and its LMTP delivery) on loopback, run from a private config
  dovecot-imapd dovecot-lmtpd
)

# the Vendure integration tests run a real Vendure server on Node.js (20 or later) installed with npm
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "ecrm needs these Debian packages; install them as root: ${missing[*]}" >&2
    exit 1
  fi
fi
echo "Installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
