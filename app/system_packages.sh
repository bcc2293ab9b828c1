#!/bin/sh
# Ensure the Debian packages named as arguments are installed.
# As root they are installed; otherwise the exact apt-get line is printed and we go on.
export DEBIAN_FRONTEND=noninteractive
missing=""
for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian packages:$missing"
    (apt-get install -y -qq $missing >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing; }) \
        || echo "warning: could not install$missing; PDFs or browser tests may not work"
else
    echo "Missing Debian packages. Install them with:"
    echo "    sudo apt-get install -y$missing"
fi
exit 0
