-- Shared by the wrk scripts: done() writes one JSON object per run, appended as one line to the file
-- named by BENCH_RESULTS (to stdout when it is unset); bench/results.py reads these lines.
--   BENCH_RUN="target=server;round=2"   fields copied into the object (an integer value as a number);
--                                       round 0 marks a warm-up run, which no table counts
--   BENCH_PROCESSES="web=123 store=456 cluster=7,8,9"   processes whose CPU (user + system, from /proc,
--                                       between this script's start and done()) and memory (VmRSS,
--                                       VmHWM) the object records, summed over each name's pids
-- The object: the BENCH_RUN fields, time (UTC), duration_s, requests, requests_per_second, bytes,
-- errors by kind (connect, read, write, timeout; status: responses of 400 and above),
-- latency_ms (p50, p90, p99, max, mean), processes {name: {pids, cpu_ms, rss_kib, peak_rss_kib}} and
-- cpu_idle_share (of all the machine's cores over the run: how much of them nothing used) and
-- cpu_elsewhere_share (how much of them went to neither the watched processes nor wrk: other processes,
-- kernel threads; a large one means the run measured something else's load too).

local function read(path)
  local f = io.open(path, "r")
  if not f then return nil end
  local text = f:read("*a")
  f:close()
  return text
end

local function cpu_ms(pid) -- utime + stime, in clock ticks of 10 ms
  local stat = read("/proc/" .. pid .. "/stat")
  if not stat then return nil end
  local fields = {}
  for field in stat:match(".*%) (.*)$"):gmatch("%S+") do fields[#fields + 1] = field end
  return (tonumber(fields[12]) + tonumber(fields[13])) * 10 -- fields 14 and 15 of the whole line
end

local function status_kib(pid, name)
  local status = read("/proc/" .. pid .. "/status")
  return status and tonumber(status:match(name .. ":%s+(%d+)")) or nil
end

local function processes()
  local list = {}
  for name, pids in (os.getenv("BENCH_PROCESSES") or ""):gmatch("([%w_-]+)=([%d,]+)") do
    local p = { name = name, pids = {} }
    for pid in pids:gmatch("%d+") do p.pids[#p.pids + 1] = tonumber(pid) end
    list[#list + 1] = p
  end
  return list
end

local function sum(pids, read_one)
  local total = 0
  for _, pid in ipairs(pids) do
    local v = read_one(pid)
    if v == nil then return nil end
    total = total + v
  end
  return total
end

local function machine_cpu() -- all cores' busy and idle (idle + iowait) clock ticks since boot
  local fields = {}
  for n in read("/proc/stat"):match("^cpu%s+([^\n]+)"):gmatch("%d+") do fields[#fields + 1] = tonumber(n) end
  local idle = fields[4] + fields[5]
  local total = 0
  for i = 1, 8 do total = total + (fields[i] or 0) end -- user nice system idle iowait irq softirq steal
  return total - idle, idle
end

-- Read when the script loads: in wrk's main Lua state that is before any thread starts.
local watched = processes()
for _, p in ipairs(watched) do p.cpu_before = sum(p.pids, cpu_ms) end
local busy_before, idle_before = machine_cpu()
local wrk_before = cpu_ms("self")

local OBJECT = {} -- metatable of an object: a list of {key, value} pairs, encoded in that order
local function object(list) return setmetatable(list, OBJECT) end

local function encode(value)
  local t = type(value)
  if t == "nil" then return "null" end
  if t == "number" then
    if value == math.floor(value) and math.abs(value) < 2^53 then return string.format("%d", value) end
    return string.format("%.3f", value)
  end
  if t == "string" then
    return '"' .. value:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
  end
  local items = {}
  if getmetatable(value) == OBJECT then
    for _, pair in ipairs(value) do items[#items + 1] = encode(pair[1]) .. ":" .. encode(pair[2]) end
    return "{" .. table.concat(items, ",") .. "}"
  end
  for _, v in ipairs(value) do items[#items + 1] = encode(v) end
  return "[" .. table.concat(items, ",") .. "]"
end

function done(summary, latency, requests)
  local run = object({})
  for key, value in (os.getenv("BENCH_RUN") or ""):gmatch("([^;=]+)=([^;]*)") do
    run[#run + 1] = { key, value:match("^%-?%d+$") and tonumber(value) or value }
  end
  local seconds = summary.duration / 1e6
  local function ms(us) return us / 1000 end
  local procs = object({})
  local watched_ms = cpu_ms("self") - wrk_before -- wrk itself, then the watched processes
  for _, p in ipairs(watched) do
    local after = sum(p.pids, cpu_ms)
    local used = (after and p.cpu_before) and after - p.cpu_before or nil
    watched_ms = watched_ms + (used or 0)
    procs[#procs + 1] = { p.name, object({
      { "pids", p.pids },
      { "cpu_ms", used },
      { "rss_kib", sum(p.pids, function(pid) return status_kib(pid, "VmRSS") end) },
      { "peak_rss_kib", sum(p.pids, function(pid) return status_kib(pid, "VmHWM") end) } }) }
  end
  local busy_after, idle_after = machine_cpu()
  local idle = idle_after - idle_before
  local busy = busy_after - busy_before
  local e = summary.errors
  for _, pair in ipairs({
    { "time", os.date("!%Y-%m-%dT%H:%M:%SZ") },
    { "duration_s", seconds },
    { "requests", summary.requests },
    { "requests_per_second", summary.requests / seconds },
    { "bytes", summary.bytes },
    { "errors", object({ { "connect", e.connect }, { "read", e.read }, { "write", e.write }, { "timeout", e.timeout }, { "status", e.status } }) },
    { "latency_ms", object({ { "p50", ms(latency:percentile(50)) }, { "p90", ms(latency:percentile(90)) },
                      { "p99", ms(latency:percentile(99)) }, { "max", ms(latency.max) }, { "mean", ms(latency.mean) } }) },
    { "processes", procs },
    { "cpu_idle_share", idle / math.max(1, idle + busy) },
    { "cpu_elsewhere_share", math.max(0, busy * 10 - watched_ms) / math.max(1, (idle + busy) * 10) }, -- ticks of 10 ms
  }) do run[#run + 1] = pair end
  local think_ms = tonumber(os.getenv("THINK_MS") or "") -- bench/session.lua's paced load, if this script paced
  if think_ms and type(delay) == "function" then run[#run + 1] = { "think_ms", think_ms } end
  local line = encode(run) .. "\n"
  local path = os.getenv("BENCH_RESULTS")
  local out = path and path ~= "" and assert(io.open(path, "a")) or io.stdout
  out:write(line)
  if out ~= io.stdout then out:close() end
end
