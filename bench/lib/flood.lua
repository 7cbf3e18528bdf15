-- A password-guessing flood (issue 21, goal 4): POST /api/v1/auth/login with wrong
-- passwords as fast as the server answers, each request from the next of 1,000 client
-- addresses (X-Forwarded-For, believed by a server with AUTH_TRUSTED_PROXY_HOPS=1). One
-- guess in eight is against the real user's account (BENCH_VICTIM), one against another
-- registered account, the rest against names that do not exist, each a new one, so the
-- per-account lockout cannot stop the flood from filling the hashing queue. done() prints
-- one JSON line: requests, seconds and the count of each status.
local victim = os.getenv("BENCH_VICTIM") or "bench"
local others = tonumber(os.getenv("BENCH_ACCOUNTS") or "1")
local threads = {}
local n = 0

setup = function(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

init = function()
  statuses = {}
end

request = function()
  n = n + 1
  local address = n % 1000
  local username
  if n % 8 == 0 then
    username = victim
  elseif n % 8 == 1 then
    username = string.format("bench-login-%d", math.floor(n / 8) % others + 1)
  else
    username = string.format("ghost-%d-%d", id, n)
  end
  local body = string.format('{"username":"%s","password":"wrong guess %d"}', username, n)
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = string.format("198.18.%d.%d", math.floor(address / 256), address % 256),
  }
  return wrk.format("POST", "/api/v1/auth/login", headers, body)
end

response = function(status)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(total) do
    table.insert(parts, string.format('"%d":%d', status, count))
  end
  table.sort(parts)
  io.write(string.format('{"requests":%d,"seconds":%.3f,"statuses":{%s},"socket_errors":%d}\n',
    summary.requests, summary.duration / 1e6, table.concat(parts, ","),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
