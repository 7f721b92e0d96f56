#!/usr/bin/env bash
# Make a fresh Debian machine ready to run and test the kiosk: system packages, then a virtualenv.
# Idempotent: run it as often as you like. As root it installs missing apt packages itself.
set -euo pipefail
cd "$(dirname "$0")/.."

# libmtdev1: Kivy's input provider; xvfb/xauth: a virtual screen; systemd: systemd-analyze verify;
# fonts-dejavu-core: the ticket preview font; gettext: msgfmt for translators; libusb-1.0-0: USB printers (pyusb);
# espeak-ng: offline speech (prompts, hall announcements); sox: measuring WAVs; chromium(-driver): web page tests.
# systemd-container, mmdebstrap: the boot test (tests/boot) boots the units under a real systemd in a container.
# libfuse2, fuse: the power-cut test (tests/powercut) mounts a LazyFS-style FUSE layer (fusepy needs libfuse2).
APT_PACKAGES=(libmtdev1 xvfb xauth systemd fonts-dejavu-core libgl1-mesa-dri libegl1 gettext libusb-1.0-0 espeak-ng sox chromium chromium-driver systemd-container mmdebstrap libfuse2 fuse)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "Please install: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
    touch "$stamp"
fi
