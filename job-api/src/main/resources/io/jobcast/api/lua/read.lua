-- Reads a job's head and a page of its log, in one round trip, changing nothing. input: job (the id),
-- after (a seq; 0 reads from the oldest event kept), limit. Replies {} for no such job, else {tenant,
-- state, seq, oldest, events}: oldest is the first seq the log still holds (older ones were trimmed),
-- events the JSON of the events after 'after', at most 'limit' of them, in order (none when 'after'
-- is older than the log).
local key = record_key(input.job)
local head = redis.call('HMGET', key, 'tenant', 'state', 'seq')
if not head[2] then return '{}' end
local seq = tonumber(head[3])
local oldest = math.max(1, seq - JOB_LOG_MAX + 1)
local from = input.after == 0 and oldest or input.after + 1
local names = {}
if from >= oldest then
  for at = from, math.min(seq, from + input.limit - 1) do names[#names + 1] = EVENT_FIELD .. at end
end
local events = #names > 0 and redis.call('HMGET', key, unpack(names)) or nil
return cjson.encode({tenant = head[1], state = head[2], seq = seq, oldest = oldest, events = events})
