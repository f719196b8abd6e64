-- wrk script for bench/load: each request the next of the API paths in the file named by
-- LOAD_PATHS (one a line, made by bench/load from a query table), or else of the searches
-- of the shipped corpus below (words, a phrase, a prefix, a fuzzy word, a filter, a page, a
-- quotation), as the web page sends them. Any answer but 200 is counted and printed.
local queries = {
  "/api/search?q=witkoff",
  "/api/search?q=talks%20miami&limit=10&passages=2",
  "/api/search?q=%22peace%20plan%22",
  "/api/search?q=negotiat*",
  "/api/search?q=dmitriyev&fuzzy=true",
  "/api/search?q=putin&id=00*",
  "/api/search?q=envoy&limit=2&offset=2",
  "/api/quote?text=will%20meet%20Russian%20envoy%20Kiril%20Dimitriev",
}
local listed = os.getenv("LOAD_PATHS")
if listed and listed ~= "" then
  queries = {}
  for line in io.lines(listed) do
    if line ~= "" then
      queries[#queries + 1] = line
    end
  end
end
local counter = 0
local failures = 0

request = function()
  counter = counter + 1
  return wrk.format("GET", queries[(counter % #queries) + 1])
end

response = function(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
  end
end

done = function(summary, latency, requests)
  io.write(string.format("non-200 answers: %d (wrk errors: connect %d, read %d, write %d, status %d, timeout %d)\n",
    failures, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, %.0f requests/s\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6)))
end
