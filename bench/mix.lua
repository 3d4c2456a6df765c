-- wrk script: replay a mix of (Host, path) requests and check every answer is a 200.
--
-- wrk sends one URL to one host; a multi-tenant app is chosen by the Host
-- header, so this script reads the request list that bench/run.py writes (one
-- "host path" pair per line, given after `--` on wrk's command line) and
-- rotates through it. Each thread starts at a different place in the list so
-- the threads do not hit the same site at the same moment.
--
-- An optional second argument is the User-Agent every request carries (bench/visits.py gives a browser's, since
-- visit counting leaves out requests without one); without it, wrk sends none.
--
-- Output: one parseable line, `BENCH key=value ...`, for bench/run.py.

local threads = {}

-- Main state: give every thread its starting offset and keep its handle for done().
function setup(thread)
   thread:set("offset", #threads * 7919)
   table.insert(threads, thread)
end

-- Thread state: globals, so that done() can read them with thread:get().
requests = {}
position = 0
non200 = 0

function init(args)
   local name = assert(args[1], "usage: wrk ... -s mix.lua URL -- REQUEST_FILE [USER_AGENT]")
   local agent = args[2]
   local file = assert(io.open(name, "r"))
   for line in file:lines() do
      local host, path = line:match("^(%S+)%s+(%S+)%s*$")
      if host then
         -- Formatted once here, not per request: the client should cost as little as possible.
         local headers = { Host = host }
         if agent then
            headers["User-Agent"] = agent
         end
         table.insert(requests, wrk.format("GET", path, headers))
      end
   end
   file:close()
   assert(#requests > 0, "no requests in " .. name)
   position = (offset or 0) % #requests
end

function request()
   position = position % #requests + 1
   return requests[position]
end

function response(status, headers, body)
   if status ~= 200 then
      non200 = non200 + 1
   end
end

function done(summary, latency, requests)
   local bad = 0
   for _, thread in ipairs(threads) do
      bad = bad + thread:get("non200")
   end
   local seconds = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f mean_ms=%.2f max_ms=%.2f "
         .. "non200=%d status_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.mean / 1000, latency.max / 1000,
      bad, e.status, e.connect, e.read, e.write, e.timeout))
end
