-- Flow control (docs/flow-control.md): what may start now. The tenant's hash `limits` holds its gates:
-- `tenant` and `type:<type>` (at most N of its jobs, of the type, running at once), `key:<type>` (at
-- most N running per concurrencyKey of the type), `paused:tenant` and `paused:type:<type>`. The hash
-- `running` counts the RUNNING jobs of each limited gate (`key:<type>:<key>` per key): a claim counts
-- itself in (admit), each move out of RUNNING counts it out. A claim that a
-- gate refuses is held: the job stays QUEUED, its message is dropped, it waits in the set
-- `held:<gate>` with an event that says why, and a freed slot, a raised limit or a resume puts it
-- back in the outbox, due at once.

local due_now = false    -- a step became ready, a webhook due, a held job free: job-service is told (commit.lua)
local gates_cache = nil

local function gates()
  if not gates_cache then
    gates_cache = {}
    local flat = redis.call('HGETALL', P .. 'limits')
    for i = 1, #flat, 2 do gates_cache[flat[i]] = flat[i + 1] end
  end
  return gates_cache
end

-- The limited gates a job passes to run: the count field of each, its limit field, and its limit.
local function limited(job)
  local g = gates()
  local list = {}
  local function gate(count, limit)
    if g[limit] then list[#list + 1] = {count = count, limit = limit, max = tonumber(g[limit])} end
  end
  gate('tenant', 'tenant')
  gate('type:' .. job.type, 'type:' .. job.type)
  if job.concurrencyKey and job.concurrencyKey ~= '' then
    gate('key:' .. job.type .. ':' .. job.concurrencyKey, 'key:' .. job.type)
  end
  return list
end

-- The gates that hold jobs now (the set `held`), read once per call: a freed slot looks for a held
-- job only at a gate that has one.
local held_cache = nil
local function held_gates()
  if not held_cache then
    held_cache = {}
    for _, gate in ipairs(redis.call('SMEMBERS', P .. 'held')) do held_cache[gate] = true end
  end
  return held_cache
end

-- Puts up to n jobs held at a gate back in the outbox, due at once (job-service publishes them
-- anew; a claim checks them again). Jobs no longer QUEUED (cancelled meanwhile) are dropped.
local function release(gate, n)
  if not held_gates()[gate] then return 0 end
  local key = P .. 'held:' .. gate
  local released = 0
  while released < n do
    local popped = redis.call('ZPOPMIN', key)
    if #popped == 0 then
      redis.call('SREM', P .. 'held', gate)
      held_cache[gate] = nil
      break
    end
    local id = popped[1]
    if redis.call('HGET', record_key(id), 'state') == S.QUEUED then
      redis.call('HSET', record_key(id), 'heldBy', '')
      redis.call('ZADD', P .. 'outbox', 0, 'j:' .. id)
      released = released + 1
    end
  end
  if released > 0 then due_now = true end
  return released
end

-- A job left RUNNING: the counts of its limited gates go down, and a slot it freed goes to a job held
-- there. (It entered through admit.) A flow's parent runs nothing and counts for nothing.
local function count_out(job)
  if (job.flowTotal and job.flowTotal > 0) or next(gates()) == nil then return end
  for _, gate in ipairs(limited(job)) do
    local now = redis.call('HINCRBY', P .. 'running', gate.count, -1)
    if now < gate.max then release(gate.count, 1) end
  end
end

-- Lets a claimed job start, counting it at each limited gate; or says why it may not, as {gate,
-- reason}, counting nothing. One HINCRBY per limited gate decides, so claims in one call see each
-- other. A job that runs already (a redelivery) holds its slot.
local function admit(job)
  local g = gates()
  if next(g) == nil or job.state == S.RUNNING then return nil end
  if g['paused:tenant'] then return 'paused:tenant', 'waits: your jobs are paused' end
  if g['paused:type:' .. job.type] then return 'paused:type:' .. job.type, 'waits: ' .. job.type .. ' is paused' end
  local counted = {}
  for _, gate in ipairs(limited(job)) do
    local running = redis.call('HINCRBY', P .. 'running', gate.count, 1)
    if running > gate.max then
      redis.call('HINCRBY', P .. 'running', gate.count, -1)
      for _, back in ipairs(counted) do redis.call('HINCRBY', P .. 'running', back, -1) end
      local what = gate.limit == 'tenant' and 'of your jobs' or gate.limit == 'key:' .. job.type
          and job.type .. ' jobs of key ' .. job.concurrencyKey or job.type .. ' jobs'
      return gate.count, 'waits for a slot: ' .. (running - 1) .. ' of at most ' .. gate.max .. ' ' .. what .. ' run'
    end
    counted[#counted + 1] = gate.count
  end
  return nil
end
