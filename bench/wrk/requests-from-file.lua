-- wrk script: sends the requests of a file in turn, each with its own
-- headers (a precomputed Authorization), on every connection (keep-alive).
-- Written for bench/xcap.bench.ts; see bench/README.md.
--
--   wrk ... -s requests-from-file.lua http://127.0.0.1:PORT -- REQUEST_FILE
--
-- REQUEST_FILE: one request a line, tab-separated:
--   METHOD <tab> PATH <tab> AUTHORIZATION <tab> CONTENT-TYPE <tab> BODY
-- (CONTENT-TYPE and BODY empty for a GET). Every request is formatted once,
-- in init(); request() only hands out the next one. Each thread starts at its
-- own offset of the list and wraps around.
--
-- With WRK_COUNT_STATUS=1 every response's status is counted (costs wrk some
-- CPU: wrk then parses every header); done() prints them. Without it only
-- wrk's own count of statuses >= 400 is known.
--
-- done() prints one line "WRK_JSON {...}" that the harness reads.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local requests = {}
local n = 0
local i = 0
statuses = {}

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  local path = args[1]
  if path == nil then
    error("usage: wrk ... -s requests-from-file.lua URL -- REQUEST_FILE")
  end
  for line in io.lines(path) do
    if line ~= "" then
      local f = split(line)
      local headers = { ["Authorization"] = f[3] }
      local body = nil
      if f[5] ~= nil and f[5] ~= "" then
        headers["Content-Type"] = f[4]
        body = f[5]
      end
      n = n + 1
      requests[n] = wrk.format(f[1], f[2], headers, body)
    end
  end
  if n == 0 then
    error("no requests in " .. path)
  end
  -- threads start at different places of the list (index: set by setup())
  i = ((index or 0) * 7919) % n
end

function request()
  i = i + 1
  if i > n then
    i = 1
  end
  return requests[i]
end

if os.getenv("WRK_COUNT_STATUS") == "1" then
  function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    if s ~= nil then
      for code, c in pairs(s) do
        counts[code] = (counts[code] or 0) + c
      end
    end
  end
  local parts = {}
  for code, c in pairs(counts) do
    table.insert(parts, string.format('"%d":%d', code, c))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f},"statuses":{%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    table.concat(parts, ",")))
end
