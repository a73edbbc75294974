local function apply_in_chunks(command, key, args, step)
  local chunk = 1000 * step
  for i = 1, #args, chunk do
    redis.call(command, key, unpack(args, i, math.min(i + chunk - 1, #args)))
  end
end

-- What the ops share, once per call: first the parents their children moved (flows.lua), whose
-- events are part of the call, and the chain steps that may start; then the indexes, counts,
-- outbox, webhooks and the tenant's stream entry.
local function flush()
  settle_parents()
  start_next_steps()
  local counts = {}
  local function count(field, delta) counts[field] = (counts[field] or 0) + delta end
  for _, id in ipairs(moved) do
    local move = moves[id]
    local from, to = move.from, move.to
    if from ~= to then
      if from then
        remove(P .. 'state:' .. from, id)
        count(move.type .. ':' .. from, -1)
        if from == S.RUNNING then remove(P .. 'leases', id) end
        if from == S.SCHEDULED then remove(P .. 'scheduled', id) end
        if TERMINAL[from] then remove(P .. 'expiring', id) end
      end
      add(P .. 'state:' .. to, move.created, id)
      count(move.type .. ':' .. to, 1)
      if TERMINAL[to] then add(P .. 'expiring', NOW + move.ttl, id) end
      if to == S.SCHEDULED and move.runAt then add(P .. 'scheduled', move.runAt, id) end
    end
    if to == S.RUNNING and move.lease then add(P .. 'leases', move.lease, id) end
  end
  for id, publish in pairs(outbox) do
    if publish then add(P .. 'outbox', NOW + OUTBOX_GRACE_MS, 'j:' .. id) else remove(P .. 'outbox', 'j:' .. id) end
  end
  for id, seq in pairs(hooks) do
    add(P .. 'webhooks', NOW, id)
    redis.call('HSET', record_key(id), 'webhookAttempts', 0, 'webhookOf', seq)
    due_now = true
  end
  -- job-service starts the ready steps and delivers the webhooks now, not at its next pass (which
  -- still finds them should this message be lost)
  if due_now then redis.call('PUBLISH', DUE_CHANNEL, string.match(P, '^jobcast:{t:(.*)}:$')) end
  for key, members in pairs(index_removals) do apply_in_chunks('ZREM', key, members, 1) end
  for key, scored in pairs(index_adds) do apply_in_chunks('ZADD', key, scored, 2) end
  for field, delta in pairs(counts) do
    if delta ~= 0 then redis.call('HINCRBY', P .. 'counts', field, delta) end
  end
  if #events > 0 then
    redis.call('SET', P .. 'tseq', tseq)
    local body = #events == 1 and events[1] or ('[' .. table.concat(events, ',') .. ']')
    if input.traceparent then
      redis.call('XADD', P .. 'events', tseq .. '-0', STREAM_FIELD, body, STREAM_TRACE_FIELD, input.traceparent)
    else
      redis.call('XADD', P .. 'events', tseq .. '-0', STREAM_FIELD, body)
    end
  end
  if #chunks > 0 then
    redis.call('XADD', P .. 'outputs', 'MAXLEN', '~', OUTPUT_STREAM_MAX, '*', OUTPUT_CHUNKS_FIELD,
        '[' .. table.concat(chunks, ',') .. ']')
  end
end

local results = {}
for i, op in ipairs(input.ops) do
  local handler = handlers[op.op]
  if not handler then error('unknown op ' .. tostring(op.op)) end
  results[i] = handler(op)
end
flush()
return cjson.encode({results = results})
