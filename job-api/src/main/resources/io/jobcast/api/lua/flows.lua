-- Flows: a parent job whose state and progress are its children's (docs/workflows.md). A child's
-- record names its parent and weight; the parent's record holds its children's counts by state
-- (fields n:<STATE>), flowWeighted (the sum of weight x percent, a finished child counting 100),
-- flowWeight (the total weight), flowTotal (how many children), flowPolicy (what a child's failure
-- does: fail-fast, continue or ignore) and flowHead (its events' JSON between tseq and type). Each
-- child's event reaches its parent through append (change.lua) only once the log accepted it, so the
-- roll-up is as exact as the log: a fenced-off attempt's event is refused and changes nothing.
-- A parent gets its events here, after the call's ops: the state moves its children's counts call
-- for, or else one progress event, so a call that moves many children makes one event per parent.

local COUNTS = {}
for i, state in ipairs(STATES) do COUNTS[i] = 'n:' .. state end
local PARENT_READS = reads(MOVE, ROLLUP, COUNTS,
  {'flowPolicy', 'flowTotal', 'flowWeight', 'flowWeighted', 'flowHead', 'cancelRequested'})

-- The shortest way from one state to another along JobState's table (SOURCES), without `from`; nil
-- if there is none (a SUCCEEDED parent stays so). Never an error: that would fail the whole call.
local function path(from, to)
  local previous, queue, head = {[from] = from}, {from}, 1
  while queue[head] do
    local state = queue[head]
    head = head + 1
    for _, next_state in ipairs(STATES) do
      if not previous[next_state] and SOURCES[next_state][state] then
        previous[next_state] = state
        if next_state == to then
          local steps, step = {}, to
          while step ~= from do
            table.insert(steps, 1, step)
            step = previous[step]
          end
          return steps
        end
        queue[#queue + 1] = next_state
      end
    end
  end
  return nil
end

-- Where the parent belongs, given its children's counts n.
local function target_of(parent, n)
  local done = n[S.SUCCEEDED] + n[S.DEAD] + n[S.CANCELLED]
  local failed = n[S.DEAD] + n[S.CANCELLED]
  if done == parent.flowTotal then
    if parent.cancelRequested == '1' then return S.CANCELLED end
    if failed == 0 or parent.flowPolicy == 'ignore' then return S.SUCCEEDED end
    return S.DEAD
  end
  if parent.cancelRequested == '1' then return parent.state end
  -- fail-fast (and a chain): FAILED at the first failure while job-service cancels the siblings
  -- (a chain's later steps); DEAD when they ended
  if failed > 0 and (parent.flowPolicy == 'fail-fast' or parent.flowPolicy == 'chain') then return S.FAILED end
  local started = 0
  for _, state in ipairs(STATES) do started = started + n[state] end
  started = started - n[S.QUEUED] - n[S.SCHEDULED]
  if started == 0 then
    -- a group that is a chain's later step waits (SCHEDULED) until its children are queued
    if parent.state == S.SCHEDULED then return n[S.QUEUED] > 0 and S.QUEUED or S.SCHEDULED end
    if parent.state == S.QUEUED then return S.QUEUED end
  end
  return S.RUNNING
end

local function counts_json(parent, n)
  local json = '{"total":' .. parent.flowTotal
  for _, state in ipairs(STATES) do
    if n[state] > 0 then json = json .. ',"' .. state .. '":' .. n[state] end
  end
  return json .. '}'
end

local function settle(id)
  local r = rollups[id]
  rollups[id] = nil
  local parent = load(id, PARENT_READS)
  if not parent or parent.flowTotal == 0 then return end
  local key = record_key(id)
  for state, delta in pairs(r.counts) do
    if delta ~= 0 then parent['n:' .. state] = redis.call('HINCRBY', key, 'n:' .. state, delta) end
  end
  if r.weighted ~= 0 then parent.flowWeighted = redis.call('HINCRBY', key, 'flowWeighted', r.weighted) end
  local n = {}
  for _, state in ipairs(STATES) do n[state] = tonumber(parent['n:' .. state] or 0) end
  local percent = math.floor(parent.flowWeighted / math.max(parent.flowWeight, 1))
  local done = n[S.SUCCEEDED] + n[S.DEAD] + n[S.CANCELLED]
  local message = done .. ' of ' .. parent.flowTotal .. ' done'
  local timestamp = r.timestamp or iso(NOW)
  local function event(kind, state)
    return made_event(parent.flowHead, kind, state, percent, message, timestamp,
        ',"children":' .. counts_json(parent, n))
  end
  local fields = {'percent', percent, 'message', message, 'updatedAt', timestamp}
  local target = target_of(parent, n)
  local steps = target ~= parent.state and path(parent.state, target)
  local states = {}
  if not steps then
    -- An ended parent that stays ended (a child of a cancelled flow, or of one that ignored a
    -- failure, retried) keeps its counts but gets no event: nothing follows a terminal event.
    if TERMINAL[parent.state] then return end
    target = parent.state
    if percent ~= parent.percent or next(r.counts) then
      append_body(parent, parent.attempt, target, event('progress', target), fields, states)
    end
    return
  end
  for _, state in ipairs(steps) do
    local step_fields = {unpack(fields)}
    if state == S.RUNNING and parent.attempt == 0 then with(step_fields, 'startedAt', timestamp) end
    if TERMINAL[state] then with(step_fields, 'finishedAt', timestamp) end
    if state == S.FAILED and parent.cancelRequested ~= '1' then add(P .. 'cascade', NOW, id) end
    append_body(parent, math.max(parent.attempt, state == S.RUNNING and 1 or 0), state, event('state', state),
        step_fields, states)
  end
end

-- Settles every parent the call's events moved; a parent's own event may move its parent, which
-- then comes later in the same queue.
local function settle_parents()
  local i = 1
  while rolled[i] do
    if rollups[rolled[i]] then settle(rolled[i]) end
    i = i + 1
  end
end

-- A chain's step succeeded: its next step starts, unless the flow was cancelled. A job goes to the
-- ready set, from which job-service queues it with that step's result as its input; a group starts
-- all its children, a chain its first step.
local START_READS = reads({'flowTotal', 'flowPolicy'})
local function start(id)
  local job = load(id, START_READS)
  if not job then return end
  if job.flowTotal == 0 then
    add(P .. 'ready', NOW, id)
    due_now = true
    return
  end
  local last = job.flowPolicy == 'chain' and 0 or -1
  for _, child in ipairs(redis.call('ZRANGE', P .. 'children:' .. id, 0, last)) do start(child) end
end

local function start_next_steps()
  for _, step in ipairs(nexts) do
    if redis.call('HGET', record_key(step.parent), 'cancelRequested') ~= '1' then start(step.next) end
  end
end
