-- Takes up to ARGV[1] publications that were not confirmed in time, and gives each a new grace
-- period so that concurrent sweepers do not take it too. Replies kind/member/payload triples:
-- 'e', member, the event JSON (a state event to publish again); 'j', member, the new dispatch
-- number (a job message to publish again). Stale members are dropped.
local answer = {}
for _, member in ipairs(redis.call('ZRANGEBYSCORE', P .. 'outbox', '-inf', NOW, 'LIMIT', 0, tonumber(ARGV[1]))) do
  local kind, rest = string.sub(member, 1, 1), string.sub(member, 3)
  if kind == 'e' then
    local colon = string.find(rest, ':', 1, true)
    local id, seq = string.sub(rest, 1, colon - 1), string.sub(rest, colon + 1)
    local entries = redis.call('XRANGE', record_key(id) .. ':events', seq .. '-0', seq .. '-0')
    if #entries == 0 then
      redis.call('ZREM', P .. 'outbox', member)
    else
      redis.call('ZADD', P .. 'outbox', NOW + OUTBOX_GRACE_MS, member)
      answer[#answer + 1] = 'e'; answer[#answer + 1] = member; answer[#answer + 1] = entries[1][2][2]
    end
  elseif redis.call('HGET', record_key(rest), 'state') == 'QUEUED' then
    answer[#answer + 1] = 'j'; answer[#answer + 1] = member; answer[#answer + 1] = tostring(dispatch(rest))
  else
    redis.call('ZREM', P .. 'outbox', member)
  end
end
return answer
