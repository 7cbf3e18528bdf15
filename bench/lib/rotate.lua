-- Refresh with rotation: every answer consumes the presented refresh token and returns
-- the next one, so a token can be sent only once. The thread keeps a pool of live tokens
-- (one per connection and a spare, read from the file given after `--`): each request takes one,
-- each answer puts its successor back. Reusing a token would revoke its session, so a
-- mistake here shows up as non-2xx answers, never as inflated figures.
local pool = {}

init = function(args)
  for line in io.lines(args[1]) do
    if #line > 0 then pool[#pool + 1] = line end
  end
end

request = function()
  local token = table.remove(pool) or "pool-exhausted"
  return wrk.format("POST", "/api/v1/auth/refresh", { ["Authorization"] = "Bearer " .. token }, "")
end

response = function(status, headers, body)
  local next_token = body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if next_token then pool[#pool + 1] = next_token end
end
