# Sourced by the benchmarks (from the repository root): sets `bin` to a release `yingyun`.
# YINGYUN_BIN=... uses an existing build; otherwise one is built in .build-release, apart from
# the debug build the test command uses.
if [ -z "${YINGYUN_BIN:-}" ]; then
    swift build -c release --product yingyun --scratch-path .build-release
    YINGYUN_BIN="$(swift build -c release --scratch-path .build-release --show-bin-path)/yingyun"
fi
bin="$YINGYUN_BIN"
