-- wrk helper for scripts that keep a line per page, loaded after bench/session.lua: a thread's
-- response() calls keep_line(text), and the script calls write_lines_to(variable, numbered) once. When
-- the run is done, every thread's lines go to the file the environment variable names, each line after
-- its thread's number (its user) if numbered.
local threads = {}
local setup_session, write_result = setup, done

function setup(thread)
  setup_session(thread)
  threads[#threads + 1] = thread
end

function keep_line(line)
  kept = kept or {}
  kept[#kept + 1] = line
end

function write_lines_to(variable, numbered)
  function done(summary, latency, requests)
    write_result(summary, latency, requests)
    local out = assert(io.open(os.getenv(variable), "w"))
    for user, thread in ipairs(threads) do
      for _, line in ipairs(thread:get("kept") or {}) do
        if numbered then out:write(user, " ") end
        out:write(line, "\n")
      end
    end
    out:close()
  end
end
