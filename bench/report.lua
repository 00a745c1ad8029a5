-- wrk script for bench/run.py: counts responses per status code and prints one JSON summary line.
--
-- Headers are added with wrk's -H option; this script only observes. Each wrk thread has its own
-- Lua state, so the per-thread counters are gathered through the thread objects in done().

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    statuses = {}
end

function response(status, headers, body)
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
    local counts = {}
    for _, thread in ipairs(threads) do
        local seen = thread:get("statuses") or {}
        for status, count in pairs(seen) do
            counts[status] = (counts[status] or 0) + count
        end
    end
    local parts = {}
    for status, count in pairs(counts) do
        table.insert(parts, string.format('"%s":%d', status, count))
    end
    local errors = summary.errors
    io.write(string.format(
        'AZORA_BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,'
            .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
            .. '"latency_us":{"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p90":%d,"p95":%d,"p99":%d},'
            .. '"statuses":{%s}}\n',
        summary.requests, summary.duration, summary.bytes,
        errors.connect, errors.read, errors.write, errors.status, errors.timeout,
        latency.mean, latency.stdev, latency.max,
        latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
        table.concat(parts, ",")
    ))
end
