-- An attempt failed (its handler threw, it timed out, or its lease ran out): appends FAILED and at
-- once the consequence, DEAD when no attempt is left or the failure is permanent, else SCHEDULED
-- for the retry. A job whose cancellation was requested ends CANCELLED instead. ARGV: id, attempt,
-- retry runAtMs, '1' if permanent, '1' to act only if the lease has run out, the FAILED, SCHEDULED,
-- DEAD and CANCELLED templates, the error, the time of the failure, then the record's message
-- after SCHEDULED, after DEAD and after CANCELLED.
-- Replies {1, attempt, n, json...} or a refusal: -1, -2, -3 as for advance, -10 lease still held.
local id, expected, run_at_ms = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local record = record_key(id)
local cur = redis.call('HMGET', record, 'state', 'attempt', 'lastAttempt', 'cancelRequested')
local state, attempt = cur[1], tonumber(cur[2])
if not state then return refuse(-1) end
if attempt ~= expected then return refuse(-2, state, attempt) end
if state ~= 'RUNNING' then return refuse(-3, state, attempt) end
if ARGV[5] == '1' then
  local lease = redis.call('ZSCORE', P .. 'leases', id)
  if lease and tonumber(lease) > NOW then return refuse(-10, state, attempt) end
end
local at = ARGV[11]
if cur[4] == '1' then
  return {1, attempt, 1, append(id, attempt, 'RUNNING', 'CANCELLED', ARGV[9], true,
      {'finishedAt', at, 'updatedAt', at, 'message', ARGV[14]})}
end
local failed = append(id, attempt, 'RUNNING', 'FAILED', ARGV[6], true, {'error', ARGV[10], 'updatedAt', at})
if ARGV[4] == '1' or attempt >= tonumber(cur[3]) then
  return {1, attempt, 2, failed, append(id, attempt, 'FAILED', 'DEAD', ARGV[8], true,
      {'finishedAt', at, 'message', ARGV[13]})}
end
return {1, attempt, 2, failed,
    append(id, attempt, 'FAILED', 'SCHEDULED', ARGV[7], true, {'runAtMs', run_at_ms, 'message', ARGV[12]})}
