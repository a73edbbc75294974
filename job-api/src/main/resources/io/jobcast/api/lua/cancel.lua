-- Cancels a job by request. One that has not started (QUEUED, SCHEDULED, FAILED) ends CANCELLED
-- at once and never runs; for a RUNNING one the request is stored, and its worker stops it at the
-- handler's next check. ARGV: id, CANCELLED template, the finishing time.
-- Replies {1, attempt, 1, json} when cancelled, {2, attempt, 0} when requested, or -1, -3.
local id = ARGV[1]
local record = record_key(id)
local cur = redis.call('HMGET', record, 'state', 'attempt')
local state, attempt = cur[1], tonumber(cur[2])
if not state then return refuse(-1) end
if state == 'RUNNING' then
  redis.call('HSET', record, 'cancelRequested', '1')
  return {2, attempt, 0}
end
if state ~= 'QUEUED' and state ~= 'SCHEDULED' and state ~= 'FAILED' then return refuse(-3, state, attempt) end
redis.call('ZREM', P .. 'outbox', 'j:' .. id)
return {1, attempt, 1, append(id, attempt, state, 'CANCELLED', ARGV[2], true, {'finishedAt', ARGV[3]})}
