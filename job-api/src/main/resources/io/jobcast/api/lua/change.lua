-- Applies a batch of changes to a tenant's jobs, in order, atomically: input.ops, each a table with
-- its name in 'op' (see the handlers below and io.jobcast.api.EventLog, which builds them).
-- Replies {"results": [...]}, one result per op, in order.
--
-- An event is appended in one step that refuses it if JobState's table does not allow its
-- transition, if a newer attempt superseded its attempt, if its message is not the job's current
-- dispatch, or if it would move progress back; gives it the job's next seq and the tenant's next
-- tseq; stores it in the job's record (field e<seq>, the job's log) with the record's new fields.
-- What many jobs share is written once per call, after the last op: the state, lease, schedule and
-- expiry indexes (each job's net move), the counts, the outbox, and ONE entry of the tenant's
-- stream (entry id = the call's last tseq) holding every event of the call, in order, with the
-- trace context input.traceparent, if the call has one (a sampled change asked for it).

local events = {}        -- the call's event JSONs, in tseq order
local tseq = nil         -- the tenant's last tseq, read at the first event
local moves = {}         -- job id -> {from, to, type, created, ttl, lease, runAt}: each job's net move
local moved = {}         -- the same, in first-touch order
local index_adds = {}    -- key -> {score, member, ...}
local index_removals = {}-- key -> {member, ...}
local outbox = {}        -- job id -> true (publish its message) or false (published, or no longer to)
local chunks = {}        -- the call's output chunks, in order, for the tenant's output stream
local rollups = {}       -- parent id -> {counts = {STATE = delta}, weighted = delta, timestamp}: what its children changed
local rolled = {}        -- those parent ids, in first-touch order (see flows.lua)
local nexts = {}         -- {next = id, parent = id} of each chain step that succeeded: its next step starts
local hooks = {}         -- job id -> seq of the terminal event its completion webhook reports

local function add(key, score, member)
  local list = index_adds[key] or {}
  index_adds[key] = list
  list[#list + 1] = score
  list[#list + 1] = member
end

local function remove(key, member)
  local list = index_removals[key] or {}
  index_removals[key] = list
  list[#list + 1] = member
end

local function next_tseq()
  if not tseq then tseq = tonumber(redis.call('GET', P .. 'tseq') or '0') end
  tseq = tseq + 1
  return tseq
end

-- The job's move between states in this call: where it was before the call's first change of it.
local function move_of(job)
  local move = moves[job.id]
  if not move then
    move = {from = job.state, to = job.state, type = job.type, created = job.createdMs, ttl = job.ttlMs}
    moves[job.id] = move
    moved[#moved + 1] = job.id
  end
  return move
end

-- Record fields travel as a flat list of names and values; a change adds some of its own.
local function with(fields, name, value)
  fields[#fields + 1] = name
  fields[#fields + 1] = value
  return fields
end

local function field_of(fields, name)
  for i = 1, #fields, 2 do if fields[i] == name then return fields[i + 1] end end
  return nil
end

-- What a job's event changes in its parent's roll-up (flows.lua): its count by state, and its share
-- of the parent's percent (weight x percent; a finished child counts 100).
local function roll_up(job, to, fields, body)
  local r = rollups[job.parent]
  if not r then
    r = {counts = {}, weighted = 0}
    rollups[job.parent] = r
    rolled[#rolled + 1] = job.parent
  end
  local percent = tonumber(field_of(fields, 'percent') or job.percent or 0)
  local before = job.state and (TERMINAL[job.state] and 100 or (job.percent or 0)) or 0
  r.weighted = r.weighted + job.weight * ((TERMINAL[to] and 100 or percent) - before)
  if job.state ~= to then
    if job.state then r.counts[job.state] = (r.counts[job.state] or 0) - 1 end
    r.counts[to] = (r.counts[to] or 0) + 1
  end
  r.timestamp = string.match(body, '"timestamp":"([^"]+)"') or r.timestamp
  job.percent = percent
end

-- Appends an event of the job: its JSON is the body (the event's JSON after seq, attempt and tseq)
-- completed with them; the record takes the new state, attempt and seq, the event as field e<seq>,
-- and the given fields.
local function append_body(job, attempt, to, body, fields, states)
  if job.parent and job.parent ~= '' then roll_up(job, to, fields, body) end
  if job.state == S.RUNNING and to ~= S.RUNNING then count_out(job) end
  if job.flow and job.flow ~= '' then body = string.sub(body, 1, -2) .. ',"flow":' .. job.flow .. '}' end
  local seq = job.seq + 1
  if to ~= job.state and TERMINAL[to] and job.onComplete and job.onComplete ~= '' then hooks[job.id] = seq end
  if to == S.SUCCEEDED and job.state ~= to and job.next and job.next ~= '' then
    nexts[#nexts + 1] = {next = job.next, parent = job.parent}
  end
  local json = '{"seq":' .. seq .. ',"attempt":' .. attempt .. ',"tseq":' .. next_tseq() .. ',' .. body
  local key = record_key(job.id)
  redis.call('HSET', key, 'state', to, 'attempt', attempt, 'seq', seq, EVENT_FIELD .. seq, json, unpack(fields))
  if seq > JOB_LOG_MAX then redis.call('HDEL', key, EVENT_FIELD .. (seq - JOB_LOG_MAX)) end
  events[#events + 1] = json
  if to ~= job.state or moves[job.id] then
    local move = move_of(job)
    move.to = to
    if to == S.SCHEDULED then move.runAt = job.runAtMs end
  end
  job.seq, job.attempt, job.state = seq, attempt, to
  states[#states + 1] = to
end

-- The same with the event as its template (Java's JSON with seq, attempt and tseq 0).
local function append(job, attempt, to, template, fields, states)
  append_body(job, attempt, to, string.sub(template, PREFIX_LEN + 1), fields, states)
end

-- Events the script makes itself (a parent's, a held job's) are a job's head — its events' JSON
-- between tseq and "type", taken from a Java template — and the rest; extra: more fields, or nil.
local function head_of(template)
  return string.sub(template, PREFIX_LEN + 1, string.find(template, '"type":', 1, true) - 1)
end

local function made_event(head, kind, state, percent, message, timestamp, extra)
  return head .. '"type":"' .. kind .. '","state":"' .. state .. '","percent":' .. percent .. ',"message":'
      .. cjson.encode(message) .. ',"timestamp":"' .. timestamp .. '"' .. (extra or '') .. '}'
end

-- Holds a job whose claim a gate refused (limits.lua); template: the claim's event, whose head it keeps.
local function hold(job, gate, why, template)
  local body = made_event(head_of(template), 'held', job.state, job.percent or 0, why, iso(NOW))
  append_body(job, job.attempt, job.state, body, {'heldBy', gate, 'message', why}, {})
  redis.call('ZADD', P .. 'held:' .. gate, job.createdMs, job.id)
  redis.call('SADD', P .. 'held', gate)
  held_gates()[gate] = true
end

local function leased(job, lease_ms)
  move_of(job).lease = NOW + lease_ms
end

-- cjson writes an empty table as {}: an empty list is left out of a reply instead (Java reads it as empty).
local function list(t) if #t == 0 then return nil end return t end

local function applied(job, states, extra)
  local result = extra or {}
  result.attempt, result.seq, result.states = job.attempt, job.seq, list(states)
  return {applied = result}
end

local handlers = {}

local JOIN_READS = reads({'flowTotal', 'flowPolicy', 'cancelRequested'})
-- A new job: QUEUED with its first dispatch, or SCHEDULED. op: id, type, state, event, createdMs,
-- runAtMs, tags, idempotency {key, bodyHash, ttlSeconds} (optional), fields; for a job of a flow
-- member {parent, weight, position, after, next, flow} (a step with an `after` waits, SCHEDULED with
-- no time, until that step succeeded; a position below 0 joins a running group at its end), for a
-- flow's parent flow {policy, children, weight}.
function handlers.create(op)
  local idem_key = op.idempotency and (P .. 'idem:' .. op.idempotency.key)
  if idem_key then
    local previous = redis.call('GET', idem_key)
    if previous then
      local space = string.find(previous, ' ', 1, true)
      local result = refused(R.DUPLICATE_SUBMISSION)
      result.refused.existingId = string.sub(previous, 1, space - 1)
      result.refused.bodyHash = string.sub(previous, space + 1)
      return result
    end
  end
  if redis.call('EXISTS', record_key(op.id)) == 1 then return refused(R.ALREADY_EXISTS) end
  local member = op.member
  if member and member.position < 0 then
    -- Joins a running group (spawned by one of its jobs): the group counts it from now on.
    local parent = load(member.parent, JOIN_READS)
    if not parent or parent.flowTotal == 0 then return refused(R.UNKNOWN_JOB) end
    if (parent.state ~= S.QUEUED and parent.state ~= S.RUNNING) or parent.cancelRequested == '1'
        or parent.flowPolicy == 'chain' then
      return refused(R.ILLEGAL_TRANSITION, parent)
    end
    member.position = redis.call('HINCRBY', record_key(member.parent), 'flowTotal', 1) - 1
    redis.call('HINCRBY', record_key(member.parent), 'flowWeight', member.weight)
  end
  local queued = op.state == S.QUEUED and not op.flow
  local job = {id = op.id, seq = 0, attempt = 0, state = nil, type = op.type, createdMs = op.createdMs,
    ttlMs = op.ttlMs, runAtMs = op.runAtMs, parent = member and member.parent, weight = member and member.weight,
    flow = member and cjson.encode(member.flow), percent = 0}
  local fields = with(with(with(op.fields, 'createdMs', op.createdMs), 'runAtMs', op.runAtMs), 'dispatch', queued and 1 or 0)
  if member then
    with(with(with(with(fields, 'parent', member.parent), 'weight', member.weight), 'position', member.position),
        'flow', job.flow)
    if member.after then
      with(fields, 'after', member.after)
      job.runAtMs = nil -- waits for its step, not for a time: not in the scheduled set
    end
    if member.next then with(fields, 'next', member.next) end
    add(P .. 'children:' .. member.parent, member.position, op.id)
  end
  if op.flow then
    -- A parent runs nothing itself: no message, and its events are made here (flows.lua) from its head.
    with(with(with(with(fields, 'flowPolicy', op.flow.policy), 'flowTotal', op.flow.children), 'flowWeight',
        op.flow.weight), 'flowHead', head_of(op.event))
  end
  local states = {}
  append(job, 0, op.state, op.event, fields, states)
  add(P .. 'jobs', op.createdMs, op.id)
  add(P .. 'type:' .. op.type, op.createdMs, op.id)
  for _, tag in ipairs(op.tags or {}) do add(P .. 'tag:' .. tag, op.createdMs, op.id) end
  if idem_key then
    redis.call('SET', idem_key, op.id .. ' ' .. op.idempotency.bodyHash, 'EX', op.idempotency.ttlSeconds)
  end
  if queued then outbox[op.id] = true end
  return applied(job, states, {dispatch = queued and 1 or 0})
end

-- A worker claims a job it received, starting a new attempt. op: id, dispatch, redelivered, leaseMs,
-- event, fields. A RUNNING job may be claimed again only through a redelivery (its worker died),
-- only while attempts are left and no cancellation waits.
local CLAIM_READS = reads(MOVE, ROLLUP, {'dispatch', 'lastAttempt', 'cancelRequested', 'checkpoint', 'checkpointPercent'})
function handlers.claim(op)
  local job = load(op.id, CLAIM_READS)
  if not job then return refused(R.UNKNOWN_JOB) end
  if job.dispatch ~= op.dispatch then return refused(R.STALE_DISPATCH, job) end
  if not SOURCES[S.RUNNING][job.state] then return refused(R.ILLEGAL_TRANSITION, job) end
  if job.state == S.RUNNING then
    if not op.redelivered then return refused(R.STALE_DISPATCH, job) end
    if job.cancelRequested == '1' then return refused(R.CANCEL_REQUESTED, job) end
    if job.attempt >= job.lastAttempt then return refused(R.NO_ATTEMPTS_LEFT, job) end
  end
  local gate, why = admit(job)
  if gate then
    hold(job, gate, why, op.event)
    outbox[op.id] = false
    return refused(R.HELD, job)
  end
  local states = {}
  append(job, job.attempt + 1, S.RUNNING, op.event, op.fields, states)
  leased(job, op.leaseMs)
  outbox[op.id] = false
  return applied(job, states, {checkpoint = job.checkpoint, checkpointPercent = job.checkpointPercent,
    lastAttempt = job.lastAttempt})
end

-- Checks that the op's attempt is the job's current one and RUNNING; the refusal if not.
local function running_attempt(job, op)
  if not job then return refused(R.UNKNOWN_JOB) end
  if job.attempt ~= op.attempt then return refused(R.STALE_ATTEMPT, job) end
  if job.state ~= S.RUNNING then return refused(R.ILLEGAL_TRANSITION, job) end
  return nil
end

-- Progress of the attempt a worker holds. op: id, attempt, percent, event, fields (a checkpoint
-- saved with it, if any). Refused once a cancellation waits, so the handler stops. The lease is the
-- heartbeat's to renew: progress moves nothing but the record.
local PROGRESS_READS = reads(ROLLUP, {'cancelRequested'})
function handlers.progress(op)
  local job = load(op.id, PROGRESS_READS)
  local refusal = running_attempt(job, op)
  if refusal then return refusal end
  if job.cancelRequested == '1' then return refused(R.CANCEL_REQUESTED, job) end
  if op.percent < job.percent then return refused(R.PROGRESS_BACKWARDS, job) end
  local states = {}
  append(job, job.attempt, S.RUNNING, op.event, op.fields, states)
  return applied(job, states)
end

-- The end of the attempt a worker holds: SUCCEEDED, CANCELLED (it stopped for a cancellation), or
-- QUEUED when the worker returns it unfinished (returned: the attempt does not count). op: id,
-- attempt, to, returned, event, fields.
local FINISH_READS = reads(MOVE, ROLLUP, {'lastAttempt'})
function handlers.finish(op)
  local job = load(op.id, FINISH_READS)
  local refusal = running_attempt(job, op)
  if refusal then return refusal end
  if not SOURCES[op.to][job.state] then return refused(R.ILLEGAL_TRANSITION, job) end
  local fields = op.returned and with(op.fields, 'lastAttempt', job.lastAttempt + 1) or op.fields
  local states = {}
  append(job, job.attempt, op.to, op.event, fields, states)
  return applied(job, states)
end

-- An attempt failed (its handler threw, it timed out, or its lease ran out): FAILED, then at once
-- DEAD (no attempt left, or permanent) or SCHEDULED at retryAtMs; CANCELLED instead if a cancellation
-- waits. op: id, attempt, retryAtMs, permanent, ifLeaseExpired (the stall detector: nothing while the
-- lease is held), events {failed, scheduled, dead, cancelled}, fields {failed, scheduled, dead, cancelled}.
local FAIL_READS = reads(MOVE, ROLLUP, {'lastAttempt', 'cancelRequested'})
function handlers.fail(op)
  local job = load(op.id, FAIL_READS)
  local refusal = running_attempt(job, op)
  if refusal then return refusal end
  if op.ifLeaseExpired then
    local lease = redis.call('ZSCORE', P .. 'leases', op.id)
    if lease and tonumber(lease) > NOW then return refused(R.LEASE_HELD, job) end
  end
  local states = {}
  if job.cancelRequested == '1' then
    append(job, job.attempt, S.CANCELLED, op.events.cancelled, op.fields.cancelled, states)
    return applied(job, states)
  end
  append(job, job.attempt, S.FAILED, op.events.failed, op.fields.failed, states)
  if op.permanent or job.attempt >= job.lastAttempt then
    append(job, job.attempt, S.DEAD, op.events.dead, op.fields.dead, states)
  else
    job.runAtMs = op.retryAtMs
    append(job, job.attempt, S.SCHEDULED, op.events.scheduled, with(op.fields.scheduled, 'runAtMs', op.retryAtMs),
        states)
  end
  return applied(job, states)
end

-- Appends data to one of a job's outputs (see io.jobcast.api.JobOutputs): the output's string grows,
-- its sections (record field o:<name>, "attempt:offset,...") gain one when an attempt writes it
-- first, and the chunk goes to the tenant's output stream with its offset. Only a RUNNING job's
-- current attempt appends. Refused when all of the job's outputs would hold more than op.limit bytes;
-- the log then says why, once.
local function write_output(job, name, attempt, data)
  local key = record_key(job.id)
  local length = redis.call('APPEND', P .. 'out:' .. job.id .. ':' .. name, data)
  local offset = length - #data
  local field = 'o:' .. name
  local sections = redis.call('HGET', key, field)
  if not sections then
    local names = redis.call('HGET', key, OUTPUT_NAMES_FIELD)
    redis.call('HSET', key, OUTPUT_NAMES_FIELD, names and (names .. ',' .. name) or name, field, attempt .. ':' .. offset)
  elseif tonumber(string.match(sections, '(%d+):%d+$')) ~= attempt then
    redis.call('HSET', key, field, sections .. ',' .. attempt .. ':' .. offset)
  end
  chunks[#chunks + 1] = cjson.encode({jobId = job.id, output = name, attempt = attempt, offset = offset, text = data})
  return offset
end

-- op: id, attempt, output, data, limit, notice (the log line that says the limit was reached).
local APPEND_READS = reads({'outputBytes', 'outputLimitHit'})
function handlers.append(op)
  local job = load(op.id, APPEND_READS)
  local refusal = running_attempt(job, op)
  if refusal then return refusal end
  local used = tonumber(job.outputBytes or 0)
  if used + #op.data > op.limit then
    if not job.outputLimitHit then
      write_output(job, LOG_OUTPUT, job.attempt, op.notice)
      redis.call('HSET', record_key(op.id), 'outputLimitHit', '1', 'outputBytes', used + #op.notice)
    end
    return refused(R.OUTPUT_LIMIT, job)
  end
  local offset = write_output(job, op.output, job.attempt, op.data)
  redis.call('HSET', record_key(op.id), 'outputBytes', used + #op.data)
  return {appended = {offset = offset, total = used + #op.data}}
end

-- Saves a handler's checkpoint for the attempt it runs, without an event. op: id, attempt, checkpoint.
function handlers.checkpoint(op)
  local job = load(op.id, PROGRESS_READS)
  local refusal = running_attempt(job, op)
  if refusal then return refusal end
  if job.cancelRequested == '1' then return refused(R.CANCEL_REQUESTED, job) end
  redis.call('HSET', record_key(op.id), 'checkpoint', op.checkpoint, 'checkpointPercent', job.percent)
  return applied(job, {})
end

-- Puts a job back in the queue with a new dispatch number: a SCHEDULED job that is due (nowMs on
-- the submitter's clock, which runAt is in), or, byRequest, a retryable one with a fresh set of
-- attempts. op: id, byRequest, nowMs, event, fields.
local REQUEUE_READS = reads(MOVE, ROLLUP, {'maxAttempts', 'dispatch', 'flowTotal'})
function handlers.requeue(op)
  local job = load(op.id, REQUEUE_READS)
  if not job then return refused(R.UNKNOWN_JOB) end
  -- A parent runs again when a child does (flows.lua), never by itself.
  if job.flowTotal ~= 0 then return refused(R.ILLEGAL_TRANSITION, job) end
  local allowed = op.byRequest and RETRYABLE[job.state] or job.state == S.SCHEDULED
  if not (allowed and SOURCES[S.QUEUED][job.state]) then return refused(R.ILLEGAL_TRANSITION, job) end
  local fields = op.fields
  if op.byRequest then
    with(with(with(fields, 'lastAttempt', job.attempt + job.maxAttempts), 'cancelRequested', '0'), 'finishedAt', '')
  elseif job.runAtMs > op.nowMs then
    return refused(R.NOT_DUE, job)
  end
  with(fields, 'dispatch', job.dispatch + 1)
  local states = {}
  append(job, job.attempt, S.QUEUED, op.event, fields, states)
  outbox[op.id] = true
  return applied(job, states, {dispatch = job.dispatch + 1})
end

-- Cancels a job by request: one that has not started ends CANCELLED at once; for a RUNNING one the
-- request is stored (cancelRequested in the reply) and its worker stops it. op: id, event, fields.
local CANCEL_READS = reads(MOVE, ROLLUP, {'flowTotal'})
function handlers.cancel(op)
  local job = load(op.id, CANCEL_READS)
  if not job then return refused(R.UNKNOWN_JOB) end
  if job.flowTotal ~= 0 then
    -- A parent ends CANCELLED once its children have (flows.lua); job-service's upkeep cancels them.
    if TERMINAL[job.state] then return refused(R.ILLEGAL_TRANSITION, job) end
    redis.call('HSET', record_key(op.id), 'cancelRequested', '1')
    add(P .. 'cascade', NOW, op.id)
    return applied(job, {}, {cancelRequested = true})
  end
  if job.state == S.RUNNING then
    redis.call('HSET', record_key(op.id), 'cancelRequested', '1')
    return applied(job, {}, {cancelRequested = true})
  end
  if not CANCELLABLE[job.state] then return refused(R.ILLEGAL_TRANSITION, job) end
  local states = {}
  append(job, job.attempt, S.CANCELLED, op.event, op.fields, states)
  outbox[op.id] = false
  return applied(job, states)
end

-- A worker's heartbeat renews the leases of the attempts it runs. op: leaseMs, attempts [{id, attempt}].
-- Replies the ids whose cancellation was requested and those the worker no longer owns, to stop both.
local RENEW_READS = reads({'cancelRequested'})
function handlers.renew(op)
  local cancel, lost = {}, {}
  for _, held in ipairs(op.attempts) do
    local job = load(held.id, RENEW_READS)
    if job and job.state == S.RUNNING and job.attempt == held.attempt then
      add(P .. 'leases', NOW + op.leaseMs, held.id)
      if job.cancelRequested == '1' then cancel[#cancel + 1] = held.id end
    else
      lost[#lost + 1] = held.id
    end
  end
  return {renewed = {cancel = list(cancel), lost = list(lost)}}
end

-- Job ids of a time-ordered set ('leases' or 'scheduled') that are due. op: set, limit, nowMs (the
-- caller's clock; absent for Redis's).
function handlers.due(op)
  local ids = redis.call('ZRANGEBYSCORE', P .. op.set, '-inf', op.nowMs or NOW, 'LIMIT', 0, op.limit)
  return {due = {ids = list(ids)}}
end

-- Takes up to op.limit job messages whose publication was not confirmed in time, each with a new
-- dispatch number (any older message of the job is stale) and a new grace period, so that
-- concurrent sweepers do not take it too. Members of jobs no longer QUEUED are dropped.
local SWEEP_READS = reads({'dispatch'})
function handlers.sweep(op)
  local jobs = {}
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', P .. 'outbox', '-inf', NOW, 'LIMIT', 0, op.limit)) do
    local id = string.sub(member, 3)
    local job = load(id, SWEEP_READS)
    if job and job.state == S.QUEUED then
      redis.call('HSET', record_key(id), 'dispatch', job.dispatch + 1)
      redis.call('ZADD', P .. 'outbox', NOW + OUTBOX_GRACE_MS, member)
      jobs[#jobs + 1] = {id = id, dispatch = job.dispatch + 1}
    else
      redis.call('ZREM', P .. 'outbox', member)
    end
  end
  return {swept = {jobs = list(jobs)}}
end

-- Takes up to op.limit completion webhooks that are due (a job entered a terminal state: flush adds
-- it), each held for op.holdMs so that other deliverers leave it, with its delivery attempt's number.
function handlers.takeWebhooks(op)
  local due = {}
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'webhooks', '-inf', NOW, 'LIMIT', 0, op.limit)) do
    if redis.call('EXISTS', record_key(id)) == 1 then
      redis.call('ZADD', P .. 'webhooks', NOW + op.holdMs, id)
      due[#due + 1] = {id = id, attempt = redis.call('HINCRBY', record_key(id), 'webhookAttempts', 1)}
    else
      redis.call('ZREM', P .. 'webhooks', id)
    end
  end
  return {webhooks = {due = list(due)}}
end

-- How a delivery went: its event (type webhook, the job's state unchanged: it rolls nothing up) goes
-- to the job's log; the webhook is due again at op.retryAtMs, or done with. op: id, event, fields, retryAtMs.
local WEBHOOK_READS = reads({})
function handlers.webhookAttempt(op)
  local job = load(op.id, WEBHOOK_READS)
  if op.retryAtMs and job then
    redis.call('ZADD', P .. 'webhooks', op.retryAtMs, op.id)
  else
    redis.call('ZREM', P .. 'webhooks', op.id)
  end
  if not job then return refused(R.UNKNOWN_JOB) end
  append(job, job.attempt, job.state, op.event, op.fields, {})
  return applied(job, {})
end

-- Sets one of the tenant's gates (limits.lua): op.field, and op.value (a limit, or '1' for a pause)
-- or none to clear it. A limit's counts are made anew from the jobs RUNNING now. Then the jobs held at
-- that gate go back to the outbox, at most op.release of them (more: some are left for the next
-- call); a claim checks each again, so a gate that still refuses holds it anew.
local GATE_READS = {'type', 'concurrencyKey', 'flowTotal'}
function handlers.setGate(op)
  if op.value then redis.call('HSET', P .. 'limits', op.field, op.value) else redis.call('HDEL', P .. 'limits', op.field) end
  gates_cache = nil
  local counted = op.field == 'tenant' and 'tenant' or string.match(op.field, '^type:(.+)$') or string.match(op.field, '^key:(.+)$')
  local held = {}
  for _, gate in ipairs(redis.call('SMEMBERS', P .. 'held')) do
    if gate == op.field or (string.sub(op.field, 1, 4) == 'key:' and string.sub(gate, 1, #op.field + 1) == op.field .. ':') then
      held[#held + 1] = gate
    end
  end
  if counted then
    local counts = {}
    if string.sub(op.field, 1, 4) == 'key:' then
      for _, name in ipairs(redis.call('HKEYS', P .. 'running')) do
        if string.sub(name, 1, #op.field + 1) == op.field .. ':' then redis.call('HDEL', P .. 'running', name) end
      end
    else
      counts[op.field] = 0
    end
    if op.value then
      for _, id in ipairs(redis.call('ZRANGE', P .. 'state:' .. S.RUNNING, 0, -1)) do
        local values = redis.call('HMGET', record_key(id), unpack(GATE_READS))
        local job_type, key, parent = values[1], values[2], tonumber(values[3] or '0')
        if parent == 0 and job_type then
          local name = op.field == 'tenant' and 'tenant' or op.field == 'type:' .. job_type and op.field
              or (op.field == 'key:' .. job_type and key and key ~= '') and (op.field .. ':' .. key) or nil
          if name then counts[name] = (counts[name] or 0) + 1 end
        end
      end
    end
    for name, n in pairs(counts) do
      if op.value then redis.call('HSET', P .. 'running', name, n) else redis.call('HDEL', P .. 'running', name) end
    end
  end
  local released, more = 0, false
  for _, gate in ipairs(held) do
    released = released + release(gate, op.release - released)
    if redis.call('EXISTS', P .. 'held:' .. gate) == 0 then redis.call('SREM', P .. 'held', gate) else more = true end
  end
  return {gate = {released = released, more = more}}
end

-- Deletes up to op.limit finished jobs whose time is up, with their index entries.
local EXPIRE_READS = reads({'type', 'tags', 'parent', 'heldBy', OUTPUT_NAMES_FIELD})
function handlers.expire(op)
  local due = redis.call('ZRANGEBYSCORE', P .. 'expiring', '-inf', NOW, 'LIMIT', 0, op.limit)
  for _, id in ipairs(due) do
    local job = load(id, EXPIRE_READS)
    if job then
      redis.call('ZREM', P .. 'state:' .. job.state, id)
      redis.call('HINCRBY', P .. 'counts', job.type .. ':' .. job.state, -1)
      redis.call('ZREM', P .. 'type:' .. job.type, id)
      for _, tag in ipairs(cjson.decode(job.tags or '[]')) do redis.call('ZREM', P .. 'tag:' .. tag, id) end
      for name in string.gmatch(job[OUTPUT_NAMES_FIELD] or '', '[^,]+') do redis.call('DEL', P .. 'out:' .. id .. ':' .. name) end
      if job.parent then redis.call('ZREM', P .. 'children:' .. job.parent, id) end
      if job.heldBy and job.heldBy ~= '' then redis.call('ZREM', P .. 'held:' .. job.heldBy, id) end
    end
    for _, set in ipairs({'jobs', 'expiring', 'leases', 'scheduled', 'outbox', 'webhooks', 'ready'}) do
      redis.call('ZREM', P .. set, set == 'outbox' and ('j:' .. id) or id)
    end
    redis.call('DEL', record_key(id), P .. 'children:' .. id)
  end
  return {expired = {count = #due}}
end

-- Keeps the tenant's stream for op.retentionMs: notes where the stream is now (a mark: tseq by time)
-- and trims the entries that the newest mark older than the retention covers.
function handlers.trim(op)
  local now_at = redis.call('GET', P .. 'tseq')
  if not now_at then return {trimmed = {before = 0}} end
  redis.call('ZADD', P .. 'marks', NOW, now_at)
  local old = redis.call('ZRANGEBYSCORE', P .. 'marks', '-inf', NOW - op.retentionMs)
  local before = 0
  if #old > 0 then
    for _, mark in ipairs(old) do before = math.max(before, tonumber(mark)) end
    redis.call('XTRIM', P .. 'events', 'MINID', before + 1)
    redis.call('ZREMRANGEBYSCORE', P .. 'marks', '-inf', NOW - op.retentionMs)
    redis.call('SET', P .. 'history', before)
  end
  return {trimmed = {before = before}}
end

