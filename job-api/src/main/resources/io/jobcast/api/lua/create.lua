-- Creates a job: its record, its first event (QUEUED, or SCHEDULED for a later runAt) and its
-- index entries; remembers its idempotency key. ARGV: id, state, event template, createdMs,
-- runAtMs, idempotency key ('' for none), body hash, key TTL in seconds, job type, tag count,
-- the tags, then the record's fields as name/value pairs.
-- Replies {1, 0, 1, json, dispatch, the record as HGETALL gives it}; {-6, '', 0, existing id, its
-- body hash} for a known idempotency key; {-5} if the id is taken.
local id, state, template, created_ms, run_at_ms = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local idem_key, idem_hash, idem_ttl, job_type = ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local tag_count = tonumber(ARGV[10])
if idem_key ~= '' then
  local previous = redis.call('GET', P .. 'idem:' .. idem_key)
  if previous then
    local space = string.find(previous, ' ', 1, true)
    return {-6, '', 0, string.sub(previous, 1, space - 1), string.sub(previous, space + 1)}
  end
end
local record = record_key(id)
if redis.call('EXISTS', record) == 1 then return {-5} end
redis.call('HSET', record, 'createdMs', created_ms, 'runAtMs', run_at_ms, 'dispatch', 0, 'seq', 0,
    unpack(pairs_from(11 + tag_count)))
redis.call('ZADD', P .. 'jobs', created_ms, id)
redis.call('ZADD', P .. 'type:' .. job_type, created_ms, id)
for i = 1, tag_count do redis.call('ZADD', P .. 'tag:' .. ARGV[10 + i], created_ms, id) end
if idem_key ~= '' then redis.call('SET', P .. 'idem:' .. idem_key, id .. ' ' .. idem_hash, 'EX', idem_ttl) end
local json = append(id, 0, nil, state, template, true, {})
local reply = {1, 0, 1, json, state == 'QUEUED' and dispatch(id) or 0}
for _, value in ipairs(redis.call('HGETALL', record)) do reply[#reply + 1] = value end
return reply
