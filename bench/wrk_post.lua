-- wrk script: POST a JSON body, with a Bearer token, and count statuses.
-- Set BODY and TOKEN in the environment.
wrk.method = "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
local statuses = {}
response = function(status, headers, body)
	statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
	for k, v in pairs(statuses) do io.write(string.format("status %d: %d\n", k, v)) end
end
