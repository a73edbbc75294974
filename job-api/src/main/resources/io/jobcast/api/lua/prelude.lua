-- Shared by the event log's scripts; each is this prelude followed by its own body.
-- KEYS[1] is the tenant's key prefix, e.g. "jobcast:{t:acme}:". Every key a script touches starts
-- with it, so all of them share one hash tag and lie in one Redis Cluster slot.
-- ARGV[1] is the call as one JSON document of named fields; the reply is one JSON document too.
local P = KEYS[1]
local input = cjson.decode(ARGV[1])

-- A table that fails loudly when asked for a name it does not have: a misspelt state or refusal
-- is an error, not a nil that slips into a reply.
local function strict(what, t)
  return setmetatable(t, {__index = function(_, name) error(what .. ' has no ' .. tostring(name)) end})
end

-- Generated from Java (io.jobcast.api.Script): JobState's names and transition table, the
-- refusals' names, the limits of the log. No state name is written in the scripts themselves.
@CONSTANTS@

-- Redis's clock, the one clock that leases, the outbox and the history are measured by.
local clock = redis.call('TIME')
local NOW = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

-- Redis's clock as an ISO-8601 instant, for an event the script makes itself (a parent's, a held job's).
local function iso(ms)
  local days, rest = math.floor(ms / 86400000), ms % 86400000
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local day, month = doy - math.floor((153 * mp + 2) / 5) + 1, mp < 10 and mp + 3 or mp - 9
  local year = yoe + era * 400 + (month <= 2 and 1 or 0)
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', year, month, day, math.floor(rest / 3600000),
      math.floor(rest / 60000) % 60, math.floor(rest / 1000) % 60, rest % 1000)
end

local function record_key(id) return P .. 'job:' .. id end

-- What a change reads of a job: state, attempt and seq, and the record fields it needs besides (a
-- change that moves the job between states needs MOVE's). Each list is made once per call.
local NUMERIC = {attempt = true, seq = true, createdMs = true, ttlMs = true, runAtMs = true, lastAttempt = true,
  maxAttempts = true, percent = true, dispatch = true, checkpointPercent = true, weight = true, flowTotal = true,
  flowWeight = true, flowWeighted = true}
-- onComplete: a job that ends with a completion webhook gets it delivered (see takeWebhooks);
-- concurrencyKey: a job's moves into and out of RUNNING count for its gates (limits.lua).
local MOVE = {'type', 'createdMs', 'ttlMs', 'runAtMs', 'onComplete', 'concurrencyKey'}
-- What an event of a flow's child needs to roll up into its parent, to start the chain step after
-- it (see flows.lua), and to name its flows (flow: their ids as a JSON array, which its events carry).
local ROLLUP = {'parent', 'weight', 'percent', 'next', 'flow'}
local function reads(...)
  local names = {'state', 'attempt', 'seq'}
  for _, list in ipairs({...}) do
    for _, name in ipairs(list) do names[#names + 1] = name end
  end
  return names
end
-- The job's record as those fields name them; nil if there is no such job.
local function load(id, names)
  local values = redis.call('HMGET', record_key(id), unpack(names))
  if not values[1] then return nil end
  local job = {id = id}
  for i, name in ipairs(names) do
    local value = values[i] or nil
    job[name] = (NUMERIC[name] and tonumber(value or 0)) or value
  end
  return job
end

local function refused(reason, job)
  return {refused = {reason = reason, state = job and job.state or nil, attempt = job and job.attempt or nil}}
end
