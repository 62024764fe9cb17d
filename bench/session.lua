-- wrk script: each thread is one user holding one connection and the cookies it was given
-- (created beforehand with curl), so every request continues that user's session.
-- COOKIES_FILE holds one Cookie header value per line.
-- THINK_MS (optional): before each page a user waits a think time drawn at random with this mean
-- (exponential, as from many independent users), which holds the offered load below saturation.
local cookies = {}
local counter = 0
local think_ms = tonumber(os.getenv("THINK_MS") or "")

if think_ms and think_ms > 0 then
  function delay() -- wrk takes whole milliseconds: rounded, not cut, so the mean stays THINK_MS
    return math.floor(-math.log(1 - math.random()) * think_ms + 0.5)
  end
end

function setup(thread)
  if #cookies == 0 then
    for line in io.lines(os.getenv("COOKIES_FILE")) do cookies[#cookies + 1] = line end
  end
  counter = counter + 1
  thread:set("cookie", cookies[((counter - 1) % #cookies) + 1])
end

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
  failures = 0
  request_text = wrk.format("GET", "/", { ["Cookie"] = cookie })
end

function request()
  return request_text
end

function response(status, headers, body)
  if status ~= 200 then failures = failures + 1 end
end

dofile(os.getenv("BENCH_DIR") .. "/result.lua")
