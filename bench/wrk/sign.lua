-- Sign a petition as many different people behind one trusted proxy.
-- Each request is a new signer (unique name and e-mail, a real postcode) from a random
-- client address in 10.0.0.0/8, passed in X-Forwarded-For as a CDN would.
-- Environment: CT_PATH (the sign URL path), CT_CSRF (a CSRF token), CT_POSTCODES (comma list).

local token = os.getenv("CT_CSRF")
local path = os.getenv("CT_PATH")
local postcodes = {}
for pc in string.gmatch(os.getenv("CT_POSTCODES") or "N1 1AA", "([^,]+)") do
  postcodes[#postcodes + 1] = pc:gsub(" ", "+")
end

local next_id = 1
function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

local counter = 0
function init(args)
  math.randomseed(os.time() * 1000 + thread_id)
end

function request()
  counter = counter + 1
  local who = thread_id .. "x" .. counter .. "x" .. math.random(1, 1000000000)
  local ip = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  local body = "csrfmiddlewaretoken=" .. token
    .. "&name=Bench+Signer+" .. who
    .. "&email=bench" .. who .. "%40example.org"
    .. "&postcode=" .. postcodes[math.random(1, #postcodes)]
    .. "&uk_resident=on"
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. token,
    ["X-Forwarded-For"] = ip,
  }, body)
end
