-- Deletes finished jobs whose time is up, with their event logs and index entries. ARGV: limit.
-- Replies how many were deleted.
local due = redis.call('ZRANGEBYSCORE', P .. 'expiring', '-inf', NOW, 'LIMIT', 0, tonumber(ARGV[1]))
for _, id in ipairs(due) do
  local record = record_key(id)
  local cur = redis.call('HMGET', record, 'state', 'type', 'tags')
  if cur[1] then
    redis.call('ZREM', P .. 'state:' .. cur[1], id)
    redis.call('HINCRBY', P .. 'counts', cur[2] .. ':' .. cur[1], -1)
    redis.call('ZREM', P .. 'type:' .. cur[2], id)
    for _, tag in ipairs(cjson.decode(cur[3] or '[]')) do redis.call('ZREM', P .. 'tag:' .. tag, id) end
  end
  for _, set in ipairs({'jobs', 'expiring', 'leases', 'scheduled'}) do redis.call('ZREM', P .. set, id) end
  redis.call('DEL', record, record .. ':events')
end
return #due
