-- /secret with a different access token on every request: the tokens (one per line, in
-- the file given after `--`) are used round-robin. There are more of them than the
-- server's per-thread verified-token caches hold, so nearly every request decodes its
-- token in full: the figure for clients the cache does not help.
--
-- Every request is formatted once, in `init`: formatting one per request in Lua cost
-- wrk more than the server's whole token check, and the figure it is compared with (the
-- ceiling's `/secret`) is measured with a fixed request that wrk formats once.
local requests = {}
local index = 0

init = function(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      requests[#requests + 1] = wrk.format("GET", "/api/v1/secret", { ["Authorization"] = "Bearer " .. line })
    end
  end
end

request = function()
  index = index % #requests + 1
  return requests[index]
end
