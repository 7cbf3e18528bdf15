-- The real user during the flood (issue 21, goal 4): POST /api/v1/auth/login with the
-- right password and the device cookie (BENCH_DEVICE_COOKIE, `name=value`) from an
-- earlier login, from an address of its own, as a browser that signed in before would.
local cookie = os.getenv("BENCH_DEVICE_COOKIE")
local user = os.getenv("BENCH_VICTIM") or "bench"

request = function()
  local body = string.format('{"username":"%s","password":"bench-password-1"}', user)
  local headers = {
    ["Content-Type"] = "application/json",
    ["Cookie"] = cookie,
    ["X-Forwarded-For"] = "192.0.2.10",
  }
  return wrk.format("POST", "/api/v1/auth/login", headers, body)
end
