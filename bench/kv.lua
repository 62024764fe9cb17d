-- wrk script for the store's single-key API: GET (default) or PUT (KV_METHOD=PUT) of one
-- session-sized value, with the store's credential. KV_KEY names the one key; with KV_RANDOM_KEYS=N
-- each request takes a random one of session:<i> (i < N, 43 digits), as bench/capacity.sh stores them.
local method = os.getenv("KV_METHOD") or "GET"
local key = os.getenv("KV_KEY") or "bench-key"
local random_keys = tonumber(os.getenv("KV_RANDOM_KEYS") or "0")
local headers = { ["Authorization"] = "Bearer " .. os.getenv("KV_CREDENTIAL"), ["Content-Type"] = "application/json" }
local body = '{"v":1,"created":1764446000000,"seen":1764446000000,"data":{"count":42}}'

local function format(k)
  return wrk.format(method, "/v1/keys/" .. k .. (method == "PUT" and "?ttl=1200" or ""), headers, method == "PUT" and body or nil)
end

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
  request_text = format(key)
end

function request()
  if random_keys > 0 then
    return format(string.format("session:%043d", math.random(0, random_keys - 1)))
  end
  return request_text
end

dofile(os.getenv("BENCH_DIR") .. "/result.lua")
