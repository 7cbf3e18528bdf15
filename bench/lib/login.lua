-- POST /api/v1/auth/login as the accounts bench-login-1 .. bench-login-N (N from
-- BENCH_ACCOUNTS, registered by bench/run.sh), each request the next one round-robin.
-- The server checks one password per account at a time and answers 429 past an
-- account's attempt limit, so a login load on a single account would measure the
-- throttle (nearly every answer a 429) instead of the hashing.
local accounts = tonumber(os.getenv("BENCH_ACCOUNTS"))
local index = 0

request = function()
  index = index % accounts + 1
  local body = string.format('{"username":"bench-login-%d","password":"bench-password-1"}', index)
  return wrk.format("POST", "/api/v1/auth/login", { ["Content-Type"] = "application/json" }, body)
end
