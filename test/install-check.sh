#!/bin/sh
# Installs uvcore into a scratch prefix and builds a small program against
# the installed copy every way a user can: pkg-config (uvcore, and the
# libuv compatibility names libuv and libuv-static) and CMake
# (find_package(uvcore) and find_package(libuv), shared and static).
# Each consumer is run.  Prints one line per check; exits non-zero if any
# fails.
#
# usage: test/install-check.sh [repo-root]     (default: this script's ../)
set -u

root=$(cd "${1:-$(dirname "$0")/..}" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/install-check.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
failed=0

report() {
  if [ "$1" -eq 0 ]; then echo "PASS  $2"; else echo "FAIL  $2"; failed=1; fi
}

cmake -S "$root" -B "$tmp/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DUVCORE_BUILD_TESTS=OFF -DUVCORE_BUILD_EXAMPLES=OFF \
  -DUVCORE_INSTALL_LIBUV_COMPAT=ON >"$tmp/log" 2>&1 &&
  cmake --build "$tmp/build" >>"$tmp/log" 2>&1 &&
  cmake --install "$tmp/build" --prefix "$prefix" >>"$tmp/log" 2>&1
rc=$?
report $rc "build and install to a scratch prefix"
if [ $rc -ne 0 ]; then cat "$tmp/log"; exit 1; fi

cat > "$tmp/app.c" <<'SRC'
#include <uv.h>

static int fired;

static void on_timer(uv_timer_t* t) {
  fired = 1;
  uv_close((uv_handle_t*) t, NULL);
}

int main(void) {
  uv_loop_t loop;
  uv_timer_t t;

  if (uv_loop_init(&loop) || uv_timer_init(&loop, &t) ||
      uv_timer_start(&t, on_timer, 1, 0))
    return 1;
  uv_run(&loop, UV_RUN_DEFAULT);
  return (fired && uv_loop_close(&loop) == 0) ? 0 : 1;
}
SRC

libdir=$(ls -d "$prefix"/lib*/ | head -n 1)
export PKG_CONFIG_PATH="${libdir}pkgconfig"
for pc in uvcore libuv; do
  # shellcheck disable=SC2046
  cc "$tmp/app.c" -o "$tmp/app-$pc" $(pkg-config --cflags --libs "$pc") \
    -Wl,-rpath,"$libdir" >>"$tmp/log" 2>&1 && "$tmp/app-$pc"
  report $? "pkg-config $pc"
done
# shellcheck disable=SC2046
cc "$tmp/app.c" -o "$tmp/app-static" \
  $(pkg-config --cflags --libs --static libuv-static) >>"$tmp/log" 2>&1 &&
  "$tmp/app-static" && ! ldd "$tmp/app-static" | grep -q uvcore
report $? "pkg-config --static libuv-static (no shared libuvcore needed)"

for variant in "uvcore uvcore::uvcore" "uvcore uvcore::uvcore_static" \
               "libuv libuv::uv" "libuv libuv::uv_a"; do
  # shellcheck disable=SC2086
  set -- $variant
  dir=$tmp/cmake-$(echo "$2" | tr ':' '_')
  mkdir -p "$dir/src"
  cp "$tmp/app.c" "$dir/src/"
  printf '%s\n' "cmake_minimum_required(VERSION 3.20)" "project(consumer C)" \
    "find_package($1 REQUIRED)" "add_executable(app app.c)" \
    "target_link_libraries(app PRIVATE $2)" > "$dir/src/CMakeLists.txt"
  cmake -S "$dir/src" -B "$dir/build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
    >>"$tmp/log" 2>&1 && cmake --build "$dir/build" >>"$tmp/log" 2>&1 &&
    LD_LIBRARY_PATH="$libdir" "$dir/build/app"
  report $? "find_package($1) -> $2"
done

# A project that finds libuv by library file name, as bindings'
# FindLibuv.cmake modules do, and a bare -luv.
dir=$tmp/cmake-find-library
mkdir -p "$dir/src"
cp "$tmp/app.c" "$dir/src/"
printf '%s\n' "cmake_minimum_required(VERSION 3.20)" "project(consumer C)" \
  "find_path(LIBUV_INCLUDE_DIR NAMES uv.h REQUIRED)" \
  "find_library(LIBUV_LIBRARY NAMES uv libuv REQUIRED)" \
  "find_package(Threads REQUIRED)" \
  "add_executable(app app.c)" \
  "target_include_directories(app PRIVATE \${LIBUV_INCLUDE_DIR})" \
  "target_link_libraries(app PRIVATE \${LIBUV_LIBRARY} Threads::Threads \${CMAKE_DL_LIBS})" \
  > "$dir/src/CMakeLists.txt"
cmake -S "$dir/src" -B "$dir/build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  >>"$tmp/log" 2>&1 && cmake --build "$dir/build" >>"$tmp/log" 2>&1 &&
  LD_LIBRARY_PATH="$libdir" "$dir/build/app" &&
  LD_LIBRARY_PATH="$libdir" ldd "$dir/build/app" | grep -q 'libuvcore\.so'
report $? "find_library(NAMES uv libuv) -> uvcore's library"
cc "$tmp/app.c" -o "$tmp/app-luv" -I"$prefix/include" -L"$libdir" -luv \
  -Wl,-rpath,"$libdir" >>"$tmp/log" 2>&1 && "$tmp/app-luv"
report $? "cc ... -luv"
cc "$tmp/app.c" -o "$tmp/app-luv-static" -I"$prefix/include" \
  "$libdir/libuv.a" -lpthread -ldl >>"$tmp/log" 2>&1 &&
  "$tmp/app-luv-static" && ! ldd "$tmp/app-luv-static" | grep -q uvcore
report $? "libuv.a (static, no shared libuvcore needed)"

[ $failed -eq 0 ] || cat "$tmp/log"
exit $failed
