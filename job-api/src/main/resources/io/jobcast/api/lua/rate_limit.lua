-- GCRA for several cells at once. KEYS[1] holds the theoretical arrival time of the key's next
-- request, on Redis's clock (ms). ARGV[1]: {"interval": ms per cell, "tolerance": ms of burst,
-- "cells": how many the caller would like}. Answers {"granted": n} or {"granted": 0, "waitMillis": ms}.
local ask = cjson.decode(ARGV[1])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now)
local fit = math.floor((now + ask.tolerance - tat) / ask.interval) + 1
if fit < 1 then
  return cjson.encode({granted = 0, waitMillis = math.ceil(tat - ask.tolerance - now)})
end
local granted = math.min(fit, ask.cells)
tat = tat + granted * ask.interval
redis.call('SET', KEYS[1], tat, 'PX', math.ceil(tat - now) + 1000)
return cjson.encode({granted = granted, waitMillis = 0})
