-- Saves a handler's checkpoint for the attempt it runs, without an event. ARGV: id, attempt,
-- checkpoint JSON. Replies {1, attempt, 0} or a refusal (-1, -2, -3 as for advance, -8 cancel requested).
local id = ARGV[1]
local record = record_key(id)
local cur = redis.call('HMGET', record, 'state', 'attempt', 'percent', 'cancelRequested')
local state, attempt = cur[1], tonumber(cur[2])
if not state then return refuse(-1) end
if attempt ~= tonumber(ARGV[2]) then return refuse(-2, state, attempt) end
if state ~= 'RUNNING' then return refuse(-3, state, attempt) end
if cur[4] == '1' then return refuse(-8, state, attempt) end
redis.call('HSET', record, 'checkpoint', ARGV[3], 'checkpointPercent', cur[3])
return {1, attempt, 0}
