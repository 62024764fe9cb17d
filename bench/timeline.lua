-- wrk script: bench/session.lua's page load, and when each page was sent and how long it took, one line
-- per page ("<user> <sent µs> <latency µs>", a monotonic clock), in the file TIMELINE_FILE when the run
-- is done. bench/results.py timeline reads them: whether a round's slowest pages are spread over the run
-- or bunched in a few moments (a stall) or at its start. Costs wrk a clock read and a line per page.
dofile(os.getenv("BENCH_DIR") .. "/session.lua")
dofile(os.getenv("BENCH_DIR") .. "/page_lines.lua")

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } timeline_timespec;
  int clock_gettime(int clock, timeline_timespec *now);
]]
local monotonic, clock = 1, ffi.new("timeline_timespec")
local function now_us()
  ffi.C.clock_gettime(monotonic, clock)
  return tonumber(clock.tv_sec) * 1e6 + tonumber(clock.tv_nsec) / 1e3
end

local make_request, count_response = request, response

-- One connection per thread, so the page answered is the one last sent.
function request()
  sent = now_us()
  return make_request()
end

function response(status, headers, body)
  count_response(status, headers, body)
  keep_line(string.format("%.0f %.0f", sent, now_us() - sent))
end

write_lines_to("TIMELINE_FILE", true)
