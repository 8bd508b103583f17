# Cross-compiling uvcore for 64-bit Windows with Debian's MinGW-w64 (the
# gcc-mingw-w64-x86-64 package).  Executables built here run on Linux
# through Wine: CMAKE_CROSSCOMPILING_EMULATOR makes ctest start every test
# through test/wine-run.sh.  Use it through the `mingw` preset, or with
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake ...
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(UVCORE_MINGW_PREFIX x86_64-w64-mingw32 CACHE STRING
  "Target triple prefix of the MinGW-w64 tools")
set(CMAKE_C_COMPILER ${UVCORE_MINGW_PREFIX}-gcc)
set(CMAKE_CXX_COMPILER ${UVCORE_MINGW_PREFIX}-g++)
set(CMAKE_RC_COMPILER ${UVCORE_MINGW_PREFIX}-windres)

# Search the cross environment for libraries and headers, the host for
# programs.
set(CMAKE_FIND_ROOT_PATH /usr/${UVCORE_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Programs carry their runtime (libgcc, winpthread) inside, so Wine needs
# nothing but uvcore.dll next to them.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc")

set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/../test/wine-run.sh)
