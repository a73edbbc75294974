-- Shared by every script of the event log; each script is this prelude followed by its own body.
-- KEYS[1] is the tenant's key prefix, e.g. "jobcast:{t:acme}:". Every key a script touches starts
-- with it, so all of them share one hash tag and lie in one Redis Cluster slot.
local P = KEYS[1]
local PREFIX_LEN = @PREFIX_LEN@
local JOB_LOG_MAX = @JOB_LOG_MAX@
local TENANT_LOG_MAX = @TENANT_LOG_MAX@
local OUTBOX_GRACE_MS = @OUTBOX_GRACE_MS@
local TERMINAL = {SUCCEEDED = true, CANCELLED = true, DEAD = true}
-- How long a RUNNING job's lease lasts; set by the scripts that can move a job to RUNNING.
local LEASE_MS = nil

-- Redis's clock, the one clock that leases and the outbox are measured by.
local clock = redis.call('TIME')
local NOW = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

local function record_key(id) return P .. 'job:' .. id end

-- Whether state appears in a list of states written as ",A,B,".
local function listed(states, state) return string.find(states, ',' .. state .. ',', 1, true) ~= nil end

-- A refusal: a negative code, and the job's current state and attempt.
local function refuse(code, state, attempt) return {code, state or '', attempt or 0} end

-- Appends one event of job id and applies it to the record and every index, atomically:
-- the next seq (per job) and tseq (per tenant), the event JSON completed from its template, both
-- streams (entry ids <seq>-0 and <tseq>-0), the record's fields, the state index and counts, the lease,
-- schedule (at the record's runAtMs) and expiry sets, and, for a state event, the outbox that guarantees its publication.
local function append(id, attempt, from, to, template, is_state, fields)
  local record = record_key(id)
  local seq = redis.call('HINCRBY', record, 'seq', 1)
  local tseq = redis.call('INCR', P .. 'tseq')
  local json = '{"seq":' .. seq .. ',"attempt":' .. attempt .. ',"tseq":' .. tseq .. ','
      .. string.sub(template, PREFIX_LEN + 1)
  redis.call('XADD', record .. ':events', 'MAXLEN', '~', JOB_LOG_MAX, seq .. '-0', 'e', json)
  redis.call('XADD', P .. 'events', 'MAXLEN', '~', TENANT_LOG_MAX, tseq .. '-0', 'e', json)
  redis.call('HSET', record, 'state', to, 'attempt', attempt, unpack(fields))
  if from ~= to then
    local job_type = redis.call('HGET', record, 'type')
    if from then
      redis.call('ZREM', P .. 'state:' .. from, id)
      redis.call('HINCRBY', P .. 'counts', job_type .. ':' .. from, -1)
    end
    redis.call('ZADD', P .. 'state:' .. to, redis.call('HGET', record, 'createdMs'), id)
    redis.call('HINCRBY', P .. 'counts', job_type .. ':' .. to, 1)
    if from == 'RUNNING' then redis.call('ZREM', P .. 'leases', id) end
    if from == 'SCHEDULED' then redis.call('ZREM', P .. 'scheduled', id) end
    if from and TERMINAL[from] then redis.call('ZREM', P .. 'expiring', id) end
    if TERMINAL[to] then
      redis.call('ZADD', P .. 'expiring', NOW + tonumber(redis.call('HGET', record, 'ttlMs')), id)
    end
  end
  if to == 'RUNNING' then redis.call('ZADD', P .. 'leases', NOW + LEASE_MS, id) end
  if to == 'SCHEDULED' then redis.call('ZADD', P .. 'scheduled', redis.call('HGET', record, 'runAtMs'), id) end
  if is_state then redis.call('ZADD', P .. 'outbox', NOW + OUTBOX_GRACE_MS, 'e:' .. id .. ':' .. seq) end
  return json
end

-- Name/value pairs from ARGV[first] on, as a table for HSET.
local function pairs_from(first)
  local fields = {}
  for i = first, #ARGV do fields[#fields + 1] = ARGV[i] end
  return fields
end

-- Publishes the job message again: a new dispatch number makes any older message of the job stale.
local function dispatch(id)
  local number = redis.call('HINCRBY', record_key(id), 'dispatch', 1)
  redis.call('ZADD', P .. 'outbox', NOW + OUTBOX_GRACE_MS, 'j:' .. id)
  return number
end
