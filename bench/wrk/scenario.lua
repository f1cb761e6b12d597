-- One wrk script for every scenario of the benchmark, driven by environment variables set by bench/loadgen.py
-- (BENCH_MODE) and bench/fixtures.py (the others):
--   BENCH_MODE   get (the URL as given) | bust (sends Cache-Control: no-cache: a cache miss
--                every time) | login | create | like
--   BENCH_TOKENS comma-separated bearer tokens (create, like), rotated per request
--   BENCH_IDS    a file of recipe ids, one per line (like), walked per thread from a different start
--   BENCH_EMAILS a file of login emails (login);  BENCH_PASSWORD  their password
--   BENCH_BODY   a file holding the JSON body of create
-- done() prints one JSON line: requests/s, latency percentiles (microseconds), errors and answers with a status of 400 or more.

local threads = {}
local counter = 0
local mode = os.getenv("BENCH_MODE") or "get"
local tokens, ids, emails = {}, {}, {}
local body = nil
local password = os.getenv("BENCH_PASSWORD") or ""

local function split(s, sep)
  local out = {}
  for part in string.gmatch(s or "", "[^" .. sep .. "]+") do out[#out + 1] = part end
  return out
end

local function lines(path)
  local out = {}
  if path then for line in io.lines(path) do if #line > 0 then out[#out + 1] = line end end end
  return out
end

function setup(thread)
  thread:set("tid", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  tokens = split(os.getenv("BENCH_TOKENS"), ",")
  ids = lines(os.getenv("BENCH_IDS"))
  emails = lines(os.getenv("BENCH_EMAILS"))
  local path = os.getenv("BENCH_BODY")
  if path then local f = io.open(path, "r"); body = f:read("*a"); f:close() end
  counter = (tid or 1) * 7919
end

function request()
  counter = counter + 1
  if mode == "bust" then
    return wrk.format("GET", wrk.path, {["Cache-Control"] = "no-cache"})
  elseif mode == "login" then
    local email = emails[(counter % #emails) + 1]
    return wrk.format("POST", "/api/v1/auth/login", {["Content-Type"] = "application/json"},
      '{"email":"' .. email .. '","password":"' .. password .. '"}')
  elseif mode == "create" then
    return wrk.format("POST", "/api/v1/recipes", {["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1]}, body)
  elseif mode == "like" then
    local id = ids[(counter % #ids) + 1]
    return wrk.format("PUT", "/api/v1/recipes/" .. id .. "/like",
      {["Authorization"] = "Bearer " .. tokens[(tid % #tokens) + 1]}, "")
  end
  return wrk.request()
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '\nBENCH_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "errors": %d, "http_errors": %d}\n',
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
