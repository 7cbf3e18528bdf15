-- /secret with a different access token on every request: the tokens (one per line, in
-- the file given after `--`) are used round-robin. There are more of them than the
-- server's per-thread verified-token caches hold, so nearly every request decodes its
-- token in full: the figure for clients the cache does not help.
local tokens = {}
local index = 0

init = function(args)
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
end

request = function()
  index = index % #tokens + 1
  return wrk.format("GET", "/api/v1/secret", { ["Authorization"] = "Bearer " .. tokens[index] })
end
