# ctest house.format: every tracked C++ source of the tree is clang-format clean (the repo's
# .clang-format). Run as: cmake -DCLANG_FORMAT=... -DSRC=<source dir> -P CheckFormat.cmake
file(GLOB_RECURSE _files LIST_DIRECTORIES false
  ${SRC}/engine/*.cpp ${SRC}/engine/*.h ${SRC}/apps/*.cpp ${SRC}/apps/*.h
  ${SRC}/tests/*.cpp ${SRC}/tests/*.h ${SRC}/bench/*.cpp ${SRC}/bench/*.h)
list(FILTER _files EXCLUDE REGEX "/tests/fuzz/corpus/")
execute_process(COMMAND ${CLANG_FORMAT} --dry-run -Werror --style=file ${_files}
  RESULT_VARIABLE _rc ERROR_VARIABLE _err OUTPUT_VARIABLE _out)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "clang-format: these sources are not formatted (run clang-format -i on them):\n${_err}")
endif()
list(LENGTH _files _n)
message(STATUS "clang-format: ${_n} sources formatted")
