-- wrk script for the store's single-key API: GET (default) or PUT (KV_METHOD=PUT) of one
-- session-sized value, with the store's credential.
local method = os.getenv("KV_METHOD") or "GET"
local key = os.getenv("KV_KEY") or "bench-key"
local headers = { ["Authorization"] = "Bearer " .. os.getenv("KV_CREDENTIAL"), ["Content-Type"] = "application/json" }
local body = '{"v":1,"created":1764446000000,"seen":1764446000000,"data":{"count":42}}'

function init(args)
  request_text = wrk.format(method, "/v1/keys/" .. key .. (method == "PUT" and "?ttl=1200" or ""), headers, method == "PUT" and body or nil)
end

function request()
  return request_text
end

dofile(os.getenv("BENCH_DIR") .. "/result.lua")
