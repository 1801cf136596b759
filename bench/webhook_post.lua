-- wrk: POST the webhook body as JSON (path comes from the command line).
wrk.method = "POST"
wrk.body = '{"text":"hello from wrk"}'
wrk.headers["Content-Type"] = "application/json"
