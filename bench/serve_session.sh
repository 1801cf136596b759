# Sourced by the HTTP benchmarks: starts `nextra serve` ("$bin", extra flags in
# serve_args) on a free loopback port with its data in "$data", waits for it, signs a bench
# user up, and leaves: $pid, $base (http://127.0.0.1:PORT), json (a jq-like helper),
# auth (curl arguments with the session cookie and CSRF header). The caller's EXIT trap
# should call stop_serve.
log=$data/serve.log
"$bin" serve --listen 127.0.0.1:0 --data-dir "$data/nextra" "${serve_args[@]}" > "$log" 2>&1 &
pid=$!
stop_serve() { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
for _ in $(seq 1 100); do grep -q 'listening on' "$log" && break; sleep 0.05; done
base=$(sed -n 's/^nextra serve: listening on //p' "$log")
json() { python3 -c "import sys,json; print(json.load(sys.stdin)$1)"; }
csrf=$(curl -s -c "$data/jar" -X POST "$base/api/auth/signup" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"bench password 1","name":"Bench"}' | json '["csrfToken"]')
auth=(-b "$data/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json')
