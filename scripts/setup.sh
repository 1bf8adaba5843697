#!/usr/bin/env bash
# Installs everything the kiosk and its tests need, on a fresh Debian 12 machine as root:
# the Debian packages in deploy/apt-packages.txt, a virtualenv in .venv, and this project
# with the pinned versions of requirements.lock, the compiled translation catalogues and the
# pinyin index of the on-screen Chinese keyboard.
# Idempotent: a second run that has nothing to do finishes in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.installed-from

log() { printf '[setup] %s\n' "$*" >&2; }

# --- Debian packages ---------------------------------------------------------------------
mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' deploy/apt-packages.txt)
# Debian's own python3 needs python3-venv for `-m venv` (ensurepip); other builds have it.
if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    wanted+=(python3-venv)
fi
missing=()
for pkg in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        log "missing Debian packages: ${missing[*]} (run this as root, or install them)"
        exit 1
    fi
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- virtualenv and the project ----------------------------------------------------------
want_stamp=$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)
if [[ ! (-x $VENV/bin/python && -f $STAMP && $(cat "$STAMP") == "$want_stamp") ]]; then
    if [[ ! -x $VENV/bin/python ]]; then
        log "creating $VENV with $("$PYTHON" --version)"
        "$PYTHON" -m venv "$VENV"
    fi
    log "installing the project and its pinned dependencies"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
        -c requirements.lock -e '.[dev]'
    echo "$want_stamp" >"$STAMP"
    log "ready"
fi

# --- translation catalogues --------------------------------------------------------------
# Each language's kiosk.po (under version control) is compiled to the kiosk.mo the kiosk reads
# (not under version control) when the .mo is missing or older than the .po: on every run, also
# when the virtualenv above was already up to date.
for po in kiosk/core/locale/*/LC_MESSAGES/kiosk.po; do
    [[ -f $po ]] || continue
    mo=${po%.po}.mo
    if [[ ! -f $mo || $po -nt $mo ]]; then
        log "compiling $po"
        rm -f "$mo.tmp"
        "$VENV/bin/pybabel" -q compile -i "$po" -o "$mo.tmp"
        if [[ ! -f $mo.tmp ]]; then  # pybabel skips a catalogue whose header is marked fuzzy
            log "$po was not compiled: is its header marked fuzzy?"
            exit 1
        fi
        mv "$mo.tmp" "$mo"
    fi
done

# --- pinyin index ------------------------------------------------------------------------
# The Chinese keyboard's index (kiosk/services/pinyin/pinyin.sqlite3, about 13 MB, not under
# version control) is built from jieba's word list, pypinyin's readings and the lists in data/
# when it is missing or older than any of them: the code that builds it, the lists, and the
# virtualenv's stamp (rewritten when jieba or pypinyin change). The kiosk never builds it.
index=kiosk/services/pinyin/pinyin.sqlite3
stale=0
[[ -f $index ]] || stale=1
for input in kiosk/services/pinyin/build.py kiosk/services/pinyin/syllables.py \
    kiosk/services/pinyin/index.py data/pinyin_boost.tsv data/pinyin_surnames.tsv \
    data/pinyin_given_names.tsv "$STAMP"; do
    if [[ $input -nt $index ]]; then stale=1; fi
done
if ((stale)); then
    log "building the pinyin index (about 20 s)"
    "$VENV/bin/python" -m kiosk.services.pinyin.build
fi
