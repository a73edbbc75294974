-- Appends an event of the attempt the emitter holds: progress, or its end (SUCCEEDED, CANCELLED,
-- or QUEUED when a worker returns the job unfinished). ARGV: id, attempt, target state, allowed
-- source states, template, progress percent ('' for a state event), lease ms, '1' if the job is
-- returned (the attempt does not count), then record fields.
-- Replies {1, attempt, 1, json} or a refusal: -1 unknown job, -2 stale attempt, -3 illegal
-- transition, -4 progress backwards, -8 cancel requested (progress is refused, so the handler stops).
local id, target, percent = ARGV[1], ARGV[3], ARGV[6]
local record = record_key(id)
local cur = redis.call('HMGET', record, 'state', 'attempt', 'percent', 'cancelRequested')
local state, attempt = cur[1], tonumber(cur[2])
if not state then return refuse(-1) end
if attempt ~= tonumber(ARGV[2]) then return refuse(-2, state, attempt) end
if not listed(ARGV[4], state) then return refuse(-3, state, attempt) end
if percent ~= '' then
  if cur[4] == '1' then return refuse(-8, state, attempt) end
  if tonumber(percent) < tonumber(cur[3]) then return refuse(-4, state, attempt) end
end
if ARGV[8] == '1' then redis.call('HINCRBY', record, 'lastAttempt', 1) end
LEASE_MS = tonumber(ARGV[7])
local json = append(id, attempt, state, target, ARGV[5], percent == '', pairs_from(9))
return {1, attempt, 1, json}
