-- The members of one of the tenant's time-ordered sets ('leases', 'scheduled', 'expiring') that
-- are due. ARGV: set name, limit, now in ms ('' for Redis's clock).
local now = ARGV[3] ~= '' and ARGV[3] or NOW
return redis.call('ZRANGEBYSCORE', P .. ARGV[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
