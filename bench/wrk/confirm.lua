-- Press "Confirm my signature" for every token in CT_TOKENS (a file, one per line), each once.
-- The tokens are split between wrk's threads; a thread with none left repeats its last one
-- (an "already confirmed" answer, which changes nothing).
local token = os.getenv("CT_CSRF")
local tokens = {}
for line in io.lines(os.getenv("CT_TOKENS")) do tokens[#tokens + 1] = line end

local next_id = 0
local threads = tonumber(os.getenv("CT_THREADS") or "2")
function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

local position = nil
function init(args)
  position = thread_id + 1
end

function request()
  local i = position
  if i > #tokens then i = #tokens - ((#tokens - thread_id - 1) % threads) end
  position = position + threads
  return wrk.format("POST", "/signatures/" .. tokens[i] .. "/confirm/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. token,
    ["X-Forwarded-For"] = "10.9." .. (i % 250) .. "." .. (i % 200 + 1),
  }, "csrfmiddlewaretoken=" .. token)
end
