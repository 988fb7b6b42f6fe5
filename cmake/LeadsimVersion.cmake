# Provenance baked into the engine: version, git describe, compiler and flags.
set(LEADSIM_GIT_DESCRIBE "unknown")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${PROJECT_SOURCE_DIR}/.git")
  execute_process(COMMAND ${GIT_EXECUTABLE} describe --always --dirty --tags
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE _desc
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _rc)
  if(_rc EQUAL 0 AND NOT _desc STREQUAL "")
    set(LEADSIM_GIT_DESCRIBE "${_desc}")
  endif()
endif()
string(TOUPPER "${CMAKE_BUILD_TYPE}" _bt)
set(LEADSIM_COMPILER "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}")
set(LEADSIM_FLAGS "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${_bt}} -ffp-contract=off")
if(LEADSIM_ARCH)
  string(APPEND LEADSIM_FLAGS " -march=${LEADSIM_ARCH}")
endif()
if(LEADSIM_SANITIZE)
  string(APPEND LEADSIM_FLAGS " -fsanitize=${LEADSIM_SANITIZE}")
endif()
configure_file(${PROJECT_SOURCE_DIR}/engine/leadsim/core/build_info.h.in
  ${PROJECT_BINARY_DIR}/generated/leadsim/core/build_info.h @ONLY)
