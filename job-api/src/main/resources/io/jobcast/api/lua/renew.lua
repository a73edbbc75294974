-- A worker's heartbeat renews the leases of the attempts it runs. ARGV: lease ms, then job id and
-- attempt pairs. Replies the ids among them whose cancellation was requested, and those the worker
-- no longer owns (prefixed "lost:"), so it stops both.
local lease_until = NOW + tonumber(ARGV[1])
local answer = {}
for i = 2, #ARGV, 2 do
  local id = ARGV[i]
  local cur = redis.call('HMGET', record_key(id), 'state', 'attempt', 'cancelRequested')
  if cur[1] == 'RUNNING' and tonumber(cur[2]) == tonumber(ARGV[i + 1]) then
    redis.call('ZADD', P .. 'leases', lease_until, id)
    if cur[3] == '1' then answer[#answer + 1] = id end
  else
    answer[#answer + 1] = 'lost:' .. id
  end
end
return answer
