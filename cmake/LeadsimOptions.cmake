# Warnings, floating-point discipline and sanitizers as INTERFACE targets (no global flag edits).
add_library(leadsim_warnings INTERFACE)
add_library(leadsim::warnings ALIAS leadsim_warnings)
target_compile_options(leadsim_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough
  $<$<BOOL:${LEADSIM_WERROR}>:-Werror>)

# Results must replay bit for bit: no contraction into FMA, no fast-math.
add_library(leadsim_fp INTERFACE)
add_library(leadsim::fp ALIAS leadsim_fp)
target_compile_options(leadsim_fp INTERFACE -ffp-contract=off -fno-fast-math
  $<$<BOOL:${LEADSIM_ARCH}>:-march=${LEADSIM_ARCH}>)

add_library(leadsim_sanitizers INTERFACE)
add_library(leadsim::sanitizers ALIAS leadsim_sanitizers)
if(LEADSIM_SANITIZE STREQUAL "address")
  target_compile_options(leadsim_sanitizers INTERFACE -fsanitize=address,undefined
    -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(leadsim_sanitizers INTERFACE -fsanitize=address,undefined)
elseif(LEADSIM_SANITIZE STREQUAL "thread")
  target_compile_options(leadsim_sanitizers INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(leadsim_sanitizers INTERFACE -fsanitize=thread)
elseif(NOT LEADSIM_SANITIZE STREQUAL "")
  message(FATAL_ERROR "LEADSIM_SANITIZE must be '', 'address' or 'thread', not '${LEADSIM_SANITIZE}'")
endif()
