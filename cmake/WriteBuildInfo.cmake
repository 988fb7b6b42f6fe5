# cmake -P script: writes build_info.h from build_info.h.in with the current git describe.
set(LEADSIM_GIT_DESCRIBE "unknown")
if(GIT AND EXISTS "${SRC}/.git")
  execute_process(COMMAND ${GIT} describe --always --dirty --tags
    WORKING_DIRECTORY ${SRC} OUTPUT_VARIABLE _desc
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _rc)
  if(_rc EQUAL 0 AND NOT _desc STREQUAL "")
    set(LEADSIM_GIT_DESCRIBE "${_desc}")
  endif()
endif()
set(PROJECT_VERSION "${VERSION}")
set(LEADSIM_COMPILER "${COMPILER}")
set(LEADSIM_FLAGS "${FLAGS}")
set(CMAKE_BUILD_TYPE "${BUILD_TYPE}")
configure_file(${SRC}/engine/leadsim/core/build_info.h.in ${OUT} @ONLY)
