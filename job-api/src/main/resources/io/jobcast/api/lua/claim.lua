-- A worker claims a job it received, starting a new attempt. ARGV: id, the message's dispatch
-- number, '1' if the broker redelivered it, lease ms, allowed source states, RUNNING template,
-- then record fields. The message must be the job's current dispatch; a RUNNING job may be
-- claimed again only through a redelivery (its worker died), and only while attempts are left.
-- Replies {1, attempt, 1, json, checkpoint, checkpoint percent, last attempt} or a refusal:
-- -1 unknown job, -3 illegal transition, -7 stale dispatch, -8 cancel requested, -9 no attempts left.
local id = ARGV[1]
local record = record_key(id)
local cur = redis.call('HMGET', record, 'state', 'attempt', 'dispatch', 'lastAttempt', 'cancelRequested',
    'checkpoint', 'checkpointPercent')
local state, attempt = cur[1], tonumber(cur[2])
if not state then return refuse(-1) end
if tonumber(cur[3]) ~= tonumber(ARGV[2]) then return refuse(-7, state, attempt) end
if not listed(ARGV[5], state) then return refuse(-3, state, attempt) end
if state == 'RUNNING' then
  if ARGV[3] ~= '1' then return refuse(-7, state, attempt) end
  if cur[5] == '1' then return refuse(-8, state, attempt) end
  if attempt >= tonumber(cur[4]) then return refuse(-9, state, attempt) end
end
LEASE_MS = tonumber(ARGV[4])
redis.call('ZREM', P .. 'outbox', 'j:' .. id)
local json = append(id, attempt + 1, state, 'RUNNING', ARGV[6], true, pairs_from(7))
return {1, attempt + 1, 1, json, cur[6] or '', cur[7] or '0', cur[4]}
