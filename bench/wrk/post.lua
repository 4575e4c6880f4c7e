-- An empty CSRF-checked form POST: the framework's own ceiling on this server.
local token = os.getenv("CT_CSRF")
wrk.method = "POST"
wrk.path = os.getenv("CT_PATH")
wrk.body = "csrfmiddlewaretoken=" .. token
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrftoken=" .. token
wrk.headers["X-Forwarded-For"] = "10.1.2.3"
