-- POST with a JSON body taken from the environment (BENCH_BODY), for the Flask peer's login
-- and refresh (which needs no body).
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or ""
wrk.headers["Content-Type"] = "application/json"
