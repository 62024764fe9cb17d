-- Shared by the wrk scripts: one machine-readable result line that run.sh parses.
function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50=%.2f p90=%.2f p99=%.2f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
