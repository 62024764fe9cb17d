-- wrk script: bench/session.lua's page load, and every answer's Server-Timing header kept, one line
-- per page, in the file TIMING_FILE when the run is done (bench/results.py tail reads them).
dofile(os.getenv("BENCH_DIR") .. "/session.lua")

local threads = {}
local setup_session, count_response, write_result = setup, response, done

function setup(thread)
  setup_session(thread)
  threads[#threads + 1] = thread
end

function response(status, headers, body)
  count_response(status, headers, body)
  local timing = headers["Server-Timing"]
  if timing then
    timings = timings or {}
    timings[#timings + 1] = timing
  end
end

function done(summary, latency, requests)
  write_result(summary, latency, requests)
  local out = assert(io.open(os.getenv("TIMING_FILE"), "w"))
  for _, thread in ipairs(threads) do
    for _, line in ipairs(thread:get("timings") or {}) do out:write(line, "\n") end
  end
  out:close()
end
