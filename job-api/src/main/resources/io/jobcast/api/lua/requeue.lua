-- Puts a job back in the queue with a new dispatch number: a SCHEDULED job that is due, or, on a
-- retry by request, a DEAD, CANCELLED or FAILED one, which then gets a fresh set of attempts.
-- ARGV: id, allowed source states, QUEUED template, '1' for a retry by request, now (ms, the
-- caller's clock, which runAt is in), then record fields.
-- Replies {1, attempt, 1, json, dispatch} or a refusal: -1, -3, -11 not due yet.
local id = ARGV[1]
local record = record_key(id)
local cur = redis.call('HMGET', record, 'state', 'attempt', 'maxAttempts', 'runAtMs')
local state, attempt = cur[1], tonumber(cur[2])
if not state then return refuse(-1) end
if not listed(ARGV[2], state) then return refuse(-3, state, attempt) end
if ARGV[4] == '1' then
  redis.call('HSET', record, 'lastAttempt', attempt + tonumber(cur[3]), 'cancelRequested', '0', 'finishedAt', '')
elseif state == 'SCHEDULED' and tonumber(cur[4] or 0) > tonumber(ARGV[5]) then
  return refuse(-11, state, attempt)
end
local json = append(id, attempt, state, 'QUEUED', ARGV[3], true, pairs_from(6))
return {1, attempt, 1, json, dispatch(id)}
