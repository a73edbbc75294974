-- Flow control (docs/flow-control.md): what may start now. The tenant's hash `limits` holds its gates:
-- `tenant` and `type:<type>` (at most N of its jobs, of the type, running at once), `key:<type>` (at
-- most N running per concurrencyKey of the type), `paused:tenant` and `paused:type:<type>`. The hash
-- `running` counts the RUNNING jobs of each limited gate (`key:<type>:<key>` per key), changed with
-- each move into or out of RUNNING, so a claim in the same call as another sees it. A claim that a
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

-- Puts up to n jobs held at a gate back in the outbox, due at once (job-service publishes them
-- anew; a claim checks them again). Jobs no longer QUEUED (cancelled meanwhile) are dropped.
local function release(gate, n)
  local key = P .. 'held:' .. gate
  local released = 0
  while released < n do
    local popped = redis.call('ZPOPMIN', key)
    if #popped == 0 then break end
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

-- A job moved into (delta 1) or out of (-1) RUNNING: the counts of its limited gates follow, and a
-- slot it freed goes to a job held there. A flow's parent runs nothing and counts for nothing.
local function count_running(job, delta)
  if job.flowTotal and job.flowTotal > 0 then return end
  if next(gates()) == nil then return end
  for _, gate in ipairs(limited(job)) do
    local now = redis.call('HINCRBY', P .. 'running', gate.count, delta)
    if delta < 0 and now < gate.max then release(gate.count, 1) end
  end
end

-- Why the job may not start now, as {gate, reason}; nil if it may. A job that runs already (a
-- redelivery) holds its slot.
local function blocked(job)
  local g = gates()
  if next(g) == nil or job.state == S.RUNNING then return nil end
  if g['paused:tenant'] then return 'paused:tenant', 'waits: your jobs are paused' end
  if g['paused:type:' .. job.type] then return 'paused:type:' .. job.type, 'waits: ' .. job.type .. ' is paused' end
  for _, gate in ipairs(limited(job)) do
    local running = tonumber(redis.call('HGET', P .. 'running', gate.count) or '0')
    if running >= gate.max then
      local what = gate.limit == 'tenant' and 'of your jobs' or gate.limit == 'key:' .. job.type
          and job.type .. ' jobs of key ' .. job.concurrencyKey or job.type .. ' jobs'
      return gate.count, 'waits for a slot: ' .. running .. ' of at most ' .. gate.max .. ' ' .. what .. ' run'
    end
  end
  return nil
end
