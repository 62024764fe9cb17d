-- wrk script: bench/session.lua's page load, and every answer's Server-Timing header kept, one line
-- per page, in the file TIMING_FILE when the run is done (bench/results.py tail reads them).
dofile(os.getenv("BENCH_DIR") .. "/session.lua")
dofile(os.getenv("BENCH_DIR") .. "/page_lines.lua")

local count_response = response

function response(status, headers, body)
  count_response(status, headers, body)
  local timing = headers["Server-Timing"]
  if timing then keep_line(timing) end
end

write_lines_to("TIMING_FILE")
