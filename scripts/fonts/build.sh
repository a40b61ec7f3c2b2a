#!/bin/sh
# Régénère les polices embarquées dans les cartes et les PDF (crates/print/fonts/).
#
# Source : le paquet Debian fonts-dejavu-core (DejaVu Sans 2.37, licence Bitstream Vera /
# domaine public, texte complet dans crates/print/fonts/LICENSE), téléchargé avec apt-get, puis
# réduit avec fontTools (PyPI, version épinglée) aux caractères qu'écrit Tremplin : latin de
# base, Latin-1, Latin étendu A (Œ, œ, Ÿ…), ponctuation française (’ « » … – —, espaces
# insécables), €, ≈, →. Un caractère absent est retiré du texte avant le rendu (voir
# crates/print/src/font.rs), jamais dessiné en carré vide.
#
# Usage : sh scripts/fonts/build.sh
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
out="$here/crates/print/fonts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download fonts-dejavu-core >/dev/null
dpkg-deb -x fonts-dejavu-core_*.deb deb
python3 -m venv venv
venv/bin/pip install --quiet fonttools==4.60.1
unicodes="U+0020-007E,U+00A0-00FF,U+0100-017F,U+02BC,U+02C6,U+02DC,U+2010-2027,U+202F,U+2030,U+2039,U+203A,U+20AC,U+2192,U+2248,U+2264,U+2265"
for f in DejaVuSans DejaVuSans-Bold; do
  venv/bin/pyftsubset "deb/usr/share/fonts/truetype/dejavu/$f.ttf" \
    --unicodes="$unicodes" --layout-features='kern,liga' --no-hinting \
    --desubroutinize --name-IDs='*' --name-languages='*' \
    --output-file="$out/$f.ttf"
done
zcat -f deb/usr/share/doc/fonts-dejavu-core/copyright > "$out/LICENSE"
ls -l "$out"
