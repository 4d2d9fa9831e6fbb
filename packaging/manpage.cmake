# Generates sse-dashboard.1.gz with help2man from the built program's --help and --version,
# so that every option of the table in server/core/serveroptions.cpp is in the man page.
# cmake -DHELP2MAN=... -DGZIP=... -DPROGRAM=<built binary> -DINCLUDE=<.h2m> -DOUTPUT=<.1.gz>
#       -DSOURCE_DATE_EPOCH=<seconds> -P manpage.cmake
cmake_minimum_required(VERSION 3.25)

foreach(variable HELP2MAN GZIP PROGRAM INCLUDE OUTPUT SOURCE_DATE_EPOCH)
    if(NOT DEFINED ${variable})
        message(FATAL_ERROR "manpage.cmake: ${variable} is not set")
    endif()
endforeach()

# help2man shows the command it runs, and the program its argv[0] in "Usage:": run it as plain
# "sse-dashboard" found through PATH, so that the page does not depend on the build directory.
get_filename_component(work "${OUTPUT}" DIRECTORY)
set(work "${work}/help2man")
file(REMOVE_RECURSE "${work}")
file(MAKE_DIRECTORY "${work}")
file(CREATE_LINK "${PROGRAM}" "${work}/sse-dashboard" SYMBOLIC)

# No display: --help and --version must not need one. The date in the page's footer comes
# from SOURCE_DATE_EPOCH (the changelog's), not from the day of the build. In the asan
# preset's build, a leak report at exit would fail help2man: not this step's concern.
execute_process(
    COMMAND ${CMAKE_COMMAND} -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY
            "PATH=${work}:$ENV{PATH}" "SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH}" LC_ALL=C.UTF-8
            ASAN_OPTIONS=detect_leaks=0
            ${HELP2MAN} --no-info --section=1
            "--include=${INCLUDE}" "--output=${work}/sse-dashboard.1" sse-dashboard
    RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "help2man failed (${result})")
endif()

file(READ "${work}/sse-dashboard.1" page)
# An option whose default follows the machine says "Default: RULE; here VALUE." in --help;
# the value is the build machine's, not the reader's.
string(REGEX REPLACE ";[ \n]+here[ \n]+[^\n]*\\.\n" ".\n" page "${page}")
file(WRITE "${work}/sse-dashboard.1" "${page}")

# -n: no name or time stamp in the header, so the file is reproducible.
execute_process(
    COMMAND ${GZIP} -9 -n -c "${work}/sse-dashboard.1"
    OUTPUT_FILE "${OUTPUT}"
    RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "gzip failed (${result})")
endif()
