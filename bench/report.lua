-- wrk script for bench/run.py: counts responses per status code and prints one JSON summary line.
--
-- Headers are added with wrk's -H option. Each wrk thread has its own Lua state, so the per-thread
-- counters are gathered through the thread objects in done().
--
-- A request mix: when AZORA_BENCH_REQUESTS names a file of lines "<path>\t<Authorization value or empty>",
-- each thread sends those requests in turn (thread n of AZORA_BENCH_THREADS starts n/threads of the way in),
-- so that a run spreads over many queries or many signed-in people instead of repeating one URL.

local threads = {}
local requests_file = os.getenv("AZORA_BENCH_REQUESTS")
local thread_count = tonumber(os.getenv("AZORA_BENCH_THREADS") or "1")

function setup(thread)
    table.insert(threads, thread)
    thread:set("thread_number", #threads - 1)
end

function init(args)
    statuses = {}
    if requests_file then
        mix = {}
        for line in io.lines(requests_file) do
            local path, authorization = line:match("^([^\t]*)\t?(.*)$")
            local headers = {}
            if authorization ~= "" then
                headers["Authorization"] = authorization
            end
            table.insert(mix, wrk.format(nil, path, headers))
        end
        -- wrk calls setup(thread) before the thread's init, so thread_number is set here
        position = math.floor(#mix * (thread_number or 0) / thread_count)
    end
end

if requests_file then
    function request()
        position = position % #mix + 1
        return mix[position]
    end
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
