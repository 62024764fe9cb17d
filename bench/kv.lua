-- wrk script for the store's single-key API: GET (default) or PUT (KV_METHOD=PUT) of one
-- session-sized value, with the store's credential.
local method = os.getenv("KV_METHOD") or "GET"
local key = os.getenv("KV_KEY") or "bench-key"
local headers = { ["Authorization"] = "Bearer " .. os.getenv("KV_API_KEY"), ["Content-Type"] = "application/json" }
local body = '{"v":1,"created":1764446000000,"seen":1764446000000,"data":{"count":42}}'

function init(args)
  request_text = wrk.format(method, "/v1/keys/" .. key .. (method == "PUT" and "?ttl=1200" or ""), headers, method == "PUT" and body or nil)
end

function request()
  return request_text
end

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50=%.2f p90=%.2f p99=%.2f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
