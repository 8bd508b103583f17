# libuv compatibility package: find_package(libuv) resolves to uvcore, with
# libuv's own target names.
include(CMakeFindDependencyMacro)
find_dependency(uvcore CONFIG PATHS "${CMAKE_CURRENT_LIST_DIR}/../uvcore" NO_DEFAULT_PATH)
if(NOT TARGET libuv::uv)
  add_library(libuv::uv INTERFACE IMPORTED)
  set_target_properties(libuv::uv PROPERTIES INTERFACE_LINK_LIBRARIES uvcore::uvcore)
endif()
if(NOT TARGET libuv::uv_a)
  add_library(libuv::uv_a INTERFACE IMPORTED)
  set_target_properties(libuv::uv_a PROPERTIES INTERFACE_LINK_LIBRARIES uvcore::uvcore_static)
endif()
