# Provenance baked into the engine: version, git describe, compiler and flags.
# git describe is recomputed at every build (not only at configure time), so a results file
# never records a stale commit; build_info.h is rewritten only when its content changes.
string(TOUPPER "${CMAKE_BUILD_TYPE}" _bt)
set(LEADSIM_COMPILER "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}")
set(LEADSIM_FLAGS "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${_bt}} -ffp-contract=off")
if(LEADSIM_ARCH)
  string(APPEND LEADSIM_FLAGS " -march=${LEADSIM_ARCH}")
endif()
if(LEADSIM_SANITIZE)
  string(APPEND LEADSIM_FLAGS " -fsanitize=${LEADSIM_SANITIZE}")
endif()
find_package(Git QUIET)
set(LEADSIM_BUILD_INFO ${PROJECT_BINARY_DIR}/generated/leadsim/core/build_info.h)
set(_args -DSRC=${PROJECT_SOURCE_DIR} -DOUT=${LEADSIM_BUILD_INFO} -DGIT=${GIT_EXECUTABLE}
  -DVERSION=${PROJECT_VERSION} "-DCOMPILER=${LEADSIM_COMPILER}" "-DFLAGS=${LEADSIM_FLAGS}"
  -DBUILD_TYPE=${CMAKE_BUILD_TYPE})
# Once at configure time so the header exists, then at every build.
execute_process(COMMAND ${CMAKE_COMMAND} ${_args} -P ${PROJECT_SOURCE_DIR}/cmake/WriteBuildInfo.cmake)
add_custom_target(leadsim_build_info
  COMMAND ${CMAKE_COMMAND} ${_args} -P ${PROJECT_SOURCE_DIR}/cmake/WriteBuildInfo.cmake
  BYPRODUCTS ${LEADSIM_BUILD_INFO}
  COMMENT "" VERBATIM)
