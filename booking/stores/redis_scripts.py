"""Server-side scripts of the Redis booking store: one script per operation, all or nothing.

Conventions:

- Every key a script touches is passed in ``KEYS`` and belongs to one show (one cluster
  slot), except the optional index keys that follow on a single server (see
  ``redis_keys``).
- ``ARGV[1]`` is the clock: empty means the server's own ``TIME``, the one clock all app
  servers share; tests pass microseconds to control time. Every instant is in
  microseconds since the epoch, and every decision about time is made here.
- A script first checks, then writes: a refusal returns before the first write, so a
  refused operation leaves Redis exactly as it was.
- The reply is ``{code, now, detail, fields}``: ``code`` is ``OK`` or one of the API's
  error codes (``booking.errors.STORE_CODES``), ``fields`` the record after the step.
"""

from booking.errors import STORE_CODES

PRELUDE = (
    "local E = {"
    + ", ".join(f"{code} = '{code}'" for code in STORE_CODES)
    + "}\n"
    + """
local NOW
if ARGV[1] ~= '' then
  NOW = tonumber(ARGV[1])
else
  local time = redis.call('TIME')
  NOW = tonumber(time[1]) * 1000000 + tonumber(time[2])
end

local function us(n) return string.format('%d', n) end

local function split(text)
  local items = {}
  if text and text ~= '' then
    for item in string.gmatch(text, '[^,]+') do items[#items + 1] = item end
  end
  return items
end

local function set_of(items)
  local set = {}
  for _, item in ipairs(items) do set[item] = true end
  return set
end

local function reply(code, detail, record_key)
  local fields = {}
  if record_key then fields = redis.call('HGETALL', record_key) end
  return {code, us(NOW), detail or '', fields}
end

-- A claim is "<owner id>|<until>"; until 0 is a recorded sale.
local function claim_until(value)
  return tonumber(string.match(value, '|(%d+)$'))
end

local function claim_live(value)
  if not value then return false end
  local until_ = claim_until(value)
  return until_ == 0 or until_ > NOW
end

local function claim_owner(value)
  return value and string.match(value, '^([^|]*)')
end

-- Seats among `seats` that are unavailable, or claimed by anyone but `owner`.
local function conflicts(claims_key, seats, unavailable, owner)
  local values = redis.call('HMGET', claims_key, unpack(seats))
  local found = {}
  for i, seat in ipairs(seats) do
    if unavailable[seat] or (claim_live(values[i]) and claim_owner(values[i]) ~= owner) then
      found[#found + 1] = seat
    end
  end
  return found
end

-- Every seat claimed, released or sold gets a new version, and so does the show ('*').
local function claim(claims_key, versions_key, seats, value)
  for _, seat in ipairs(seats) do
    redis.call('HSET', claims_key, seat, value)
    redis.call('HINCRBY', versions_key, seat, 1)
  end
  if #seats > 0 then redis.call('HINCRBY', versions_key, '*', #seats) end
end

-- Moves the claims `owner` has on `seats` to `value` (a new owner, or a later until).
local function reclaim(claims_key, seats, owner, value)
  for _, seat in ipairs(seats) do
    if claim_owner(redis.call('HGET', claims_key, seat)) == owner then
      redis.call('HSET', claims_key, seat, value)
    end
  end
end

local function release(claims_key, versions_key, seats, owner)
  local released = {}
  for _, seat in ipairs(seats) do
    if claim_owner(redis.call('HGET', claims_key, seat)) == owner then
      redis.call('HDEL', claims_key, seat)
      released[#released + 1] = seat
    end
  end
  for _, seat in ipairs(released) do redis.call('HINCRBY', versions_key, seat, 1) end
  if #released > 0 then redis.call('HINCRBY', versions_key, '*', #released) end
end

-- A counter hash holds one user's (or one client address's) claims in the show:
-- owner -> "<seats>|<until>". tally reads it once: the seats live now, not counting
-- `owner`'s own entry, and the owners whose claims ended.
local function tally(key, owner)
  local total, ended = 0, {}
  local entries = redis.call('HGETALL', key)
  for i = 1, #entries, 2 do
    local seats, until_ = string.match(entries[i + 1], '^(%d+)|(%d+)$')
    if tonumber(until_) <= NOW then
      ended[#ended + 1] = entries[i]
    elseif entries[i] ~= owner then
      total = total + tonumber(seats)
    end
  end
  return total, ended
end

-- Writes `owner`'s entry (none for 0 seats), dropping `gone` owners on the way.
local function settle(key, owner, seats, until_, gone)
  if #gone > 0 then redis.call('HDEL', key, unpack(gone)) end
  if seats > 0 then
    redis.call('HSET', key, owner, seats .. '|' .. us(until_))
  else
    redis.call('HDEL', key, owner)
  end
end

local function processed(stats_key, tiers)
  for tier in pairs(set_of(split(tiers))) do redis.call('HINCRBY', stats_key, tier, 1) end
end

local function touch(ttl_ms, ...)
  for _, key in ipairs({...}) do redis.call('PEXPIRE', key, ttl_ms) end
end

-- The record's fields we decide on, if it is `active` (judged now) and the acting user
-- (empty: staff) owns it; otherwise nil and the refusal to return.
local function active_record(key, active, not_found, not_active, user)
  local r = redis.call('HMGET', key, 'id', 'status', 'live', 'user', 'seats', 'expires',
                       'paying', 'close')
  if not r[2] then return nil, reply(not_found) end
  local record = {id = r[1], status = r[2], live = tonumber(r[3]), user = r[4],
                  seats = r[5], expires = tonumber(r[6]), paying = r[7], close = r[8]}
  if user ~= '' and record.user ~= user then return nil, reply(E.FORBIDDEN) end
  local status = record.status
  if status == active and record.live <= NOW then status = 'EXPIRED' end
  if status ~= active then return nil, reply(not_active, status) end
  return record
end

-- On a single server the caller passes the index keys after the show's: a pointer to
-- the record, the index of all such records, the user's index, and the index of shows.
-- One write in 16 (by the record id's last digit) drops index entries a retention after
-- their records expired, so the sweeper (which deletes records a retention after they
-- ended) finds every record first. The same steps are redis.RedisBookingStore._index_after.
local function index(first, pointer, member, ends, retention, show_id, keys_ttl)
  if #KEYS < first then return end
  redis.call('SET', KEYS[first], pointer, 'PX', math.floor((ends - NOW + retention) / 1000))
  redis.call('ZADD', KEYS[first + 1], us(ends), member)
  redis.call('ZADD', KEYS[first + 2], us(ends), member)
  redis.call('PEXPIRE', KEYS[first + 2], keys_ttl)
  redis.call('ZADD', KEYS[first + 3], us(NOW), show_id)
  if string.sub(member, -1) == '0' then
    for i = first + 1, first + 2 do
      redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. us(NOW - 2 * retention))
    end
  end
end
"""
)

# KEYS: claims, versions, stats, user counter, client counter, hold [, pointer, holds,
#       user's holds, shows]
# ARGV: clock, hold id, seats, tiers, unavailable, user limit, client limit, ttl, sales
#       close, show keys ttl ms, retention, pointer, index member, show id, fields...
# Replies its expiry as the detail (the caller knows the rest), or the existing record.
HOLD_CREATE = (
    PRELUDE
    + """
if redis.call('EXISTS', KEYS[6]) == 1 then return reply(E.DUPLICATE_REQUEST, '', KEYS[6]) end
local close = tonumber(ARGV[9])
if NOW >= close then return reply(E.SALES_CLOSED) end
local seats = split(ARGV[3])
local found = conflicts(KEYS[1], seats, set_of(split(ARGV[5])), ARGV[2])
if #found > 0 then return reply(E.SEAT_UNAVAILABLE, table.concat(found, ',')) end
local user_seats, user_gone = tally(KEYS[4], ARGV[2])
if user_seats + #seats > tonumber(ARGV[6]) then
  return reply(E.SEAT_LIMIT_REACHED, 'user:' .. ARGV[6])
end
local client_seats, client_gone = tally(KEYS[5], ARGV[2])
if client_seats + #seats > tonumber(ARGV[7]) then
  return reply(E.SEAT_LIMIT_REACHED, 'client:' .. ARGV[7])
end
local expires = math.min(NOW + tonumber(ARGV[8]), close)
claim(KEYS[1], KEYS[2], seats, ARGV[2] .. '|' .. us(expires))
redis.call('HSET', KEYS[6], 'status', 'HELD', 'created', us(NOW), 'expires', us(expires),
           'live', us(expires), unpack(ARGV, 15))
redis.call('PEXPIRE', KEYS[6], math.floor((expires - NOW + tonumber(ARGV[11])) / 1000))
settle(KEYS[4], ARGV[2], #seats, expires, user_gone)
settle(KEYS[5], ARGV[2], #seats, expires, client_gone)
processed(KEYS[3], ARGV[4])
touch(ARGV[10], KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
index(7, ARGV[12], ARGV[13], expires, tonumber(ARGV[11]), ARGV[14], ARGV[10])
return reply('OK', us(expires))
"""
)

# KEYS: claims, versions, stats, user counter, client counter, hold
# ARGV: clock, acting user, seats, tiers, amount, unavailable, user limit, client limit,
#       sales close, show keys ttl ms
HOLD_CHANGE = (
    PRELUDE
    + """
local hold, refusal = active_record(KEYS[6], 'HELD', E.HOLD_NOT_FOUND, E.HOLD_NOT_ACTIVE,
                                    ARGV[2])
if not hold then return refusal end
if NOW >= tonumber(ARGV[9]) then return reply(E.SALES_CLOSED) end
local old, new = split(hold.seats), split(ARGV[3])
local found = conflicts(KEYS[1], new, set_of(split(ARGV[6])), hold.id)
if #found > 0 then return reply(E.SEAT_UNAVAILABLE, table.concat(found, ',')) end
local user_seats, user_gone = tally(KEYS[4], hold.id)
if user_seats + #new > tonumber(ARGV[7]) then
  return reply(E.SEAT_LIMIT_REACHED, 'user:' .. ARGV[7])
end
local client_seats, client_gone = tally(KEYS[5], hold.id)
if client_seats + #new > tonumber(ARGV[8]) then
  return reply(E.SEAT_LIMIT_REACHED, 'client:' .. ARGV[8])
end
local old_set, new_set = set_of(old), set_of(new)
local added, removed = {}, {}
for _, seat in ipairs(new) do if not old_set[seat] then added[#added + 1] = seat end end
for _, seat in ipairs(old) do if not new_set[seat] then removed[#removed + 1] = seat end end
release(KEYS[1], KEYS[2], removed, hold.id)
claim(KEYS[1], KEYS[2], added, hold.id .. '|' .. us(hold.live))
redis.call('HSET', KEYS[6], 'seats', ARGV[3], 'tiers', ARGV[4], 'amount', ARGV[5])
settle(KEYS[4], hold.id, #new, hold.live, user_gone)
settle(KEYS[5], hold.id, #new, hold.live, client_gone)
processed(KEYS[3], ARGV[4])
touch(ARGV[10], KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return reply('OK', '', KEYS[6])
"""
)

# Ends a record and frees its seats. The three ways differ only in which records they
# accept, so each is its own small script over the same steps.
_FINISH = """
release(KEYS[1], KEYS[2], split(record.seats), record.id)
redis.call('HSET', KEYS[6], 'status', ARGV[3])
redis.call('HDEL', KEYS[4], record.id)
redis.call('HDEL', KEYS[5], record.id)
processed(KEYS[3], redis.call('HGET', KEYS[6], 'tiers'))
return reply('OK', '', KEYS[6])
"""

# KEYS: claims, versions, stats, user counter, client counter, hold
# ARGV: clock, acting user (empty: staff), 'RELEASED'
HOLD_RELEASE = (
    PRELUDE
    + """
local record, refusal = active_record(KEYS[6], 'HELD', E.HOLD_NOT_FOUND, E.HOLD_NOT_ACTIVE,
                                      ARGV[2])
if not record then return refusal end
"""
    + _FINISH
)

# KEYS: claims, versions, stats, user counter, client counter, order
# ARGV: clock, acting user (empty: staff), 'CANCELLED'
ORDER_CANCEL = (
    PRELUDE
    + """
local record, refusal = active_record(KEYS[6], 'PAYMENT_PENDING', E.ORDER_NOT_FOUND,
                                      E.ORDER_NOT_PENDING, ARGV[2])
if not record then return refusal end
if record.paying ~= '' then return reply(E.PAYMENT_IN_PROGRESS) end
"""
    + _FINISH
)

# KEYS: claims, versions, stats, user counter, client counter, order
# ARGV: clock, '' (any owner), 'CANCELLED'
ORDER_PAYMENT_FAIL = (
    PRELUDE
    + """
local r = redis.call('HMGET', KEYS[6], 'id', 'status', 'seats')
if not r[2] then return reply(E.ORDER_NOT_FOUND) end
if r[2] == 'CONFIRMED' then return reply(E.ORDER_NOT_PENDING, r[2]) end
local record = {id = r[1], seats = r[3]}
"""
    + _FINISH
)

# KEYS: claims, versions, stats, user counter, client counter, hold, order [, pointer,
#       orders, user's orders, shows]
# ARGV: clock, acting user, seats the caller expects, unavailable, ttl, sales close,
#       show keys ttl ms, retention, pointer, index member, show id, order id, fields...
ORDER_CREATE = (
    PRELUDE
    + """
if redis.call('EXISTS', KEYS[7]) == 1 then return reply(E.DUPLICATE_REQUEST, '', KEYS[7]) end
local hold, refusal = active_record(KEYS[6], 'HELD', E.HOLD_NOT_FOUND, E.HOLD_NOT_ACTIVE,
                                    ARGV[2])
if not hold then return refusal end
if hold.seats ~= ARGV[3] then return reply(E.HOLD_CHANGED) end
local close = tonumber(ARGV[6])
if NOW >= close then return reply(E.SALES_CLOSED) end
local seats = split(hold.seats)
local found = conflicts(KEYS[1], seats, set_of(split(ARGV[4])), hold.id)
if #found > 0 then return reply(E.SEAT_UNAVAILABLE, table.concat(found, ',')) end
local order_id = ARGV[12]
local expires = math.min(NOW + tonumber(ARGV[5]), close)
reclaim(KEYS[1], seats, hold.id, order_id .. '|' .. us(expires))
local from_hold = redis.call('HMGET', KEYS[6], 'tiers', 'client')
redis.call('HSET', KEYS[6], 'status', 'CONVERTED', 'order', order_id)
redis.call('HSET', KEYS[7], 'status', 'PAYMENT_PENDING', 'created', us(NOW),
           'expires', us(expires), 'live', us(expires), 'paying', '', 'close', ARGV[6],
           'seats', hold.seats, 'tiers', from_hold[1], 'user', hold.user,
           'client', from_hold[2], unpack(ARGV, 13))
redis.call('PEXPIRE', KEYS[7], math.floor((expires - NOW + tonumber(ARGV[8])) / 1000))
settle(KEYS[4], order_id, #seats, expires, {hold.id})
settle(KEYS[5], order_id, #seats, expires, {hold.id})
processed(KEYS[3], from_hold[1])
touch(ARGV[7], KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
index(8, ARGV[9], ARGV[10], expires, tonumber(ARGV[8]), ARGV[11], ARGV[7])
return reply('OK', '', KEYS[7])
"""
)

# KEYS: claims, versions, stats, user counter, client counter, order
# ARGV: clock, acting user, unavailable, grace
ORDER_PAYMENT_START = (
    PRELUDE
    + """
local order, refusal = active_record(KEYS[6], 'PAYMENT_PENDING', E.ORDER_NOT_FOUND,
                                     E.ORDER_NOT_PENDING, ARGV[2])
if not order then return refusal end
if order.paying ~= '' then return reply('OK', '', KEYS[6]) end
if NOW >= tonumber(order.close) then return reply(E.SALES_CLOSED) end
local seats = split(order.seats)
local unavailable = set_of(split(ARGV[3]))
local sold = {}
for _, seat in ipairs(seats) do if unavailable[seat] then sold[#sold + 1] = seat end end
if #sold > 0 then return reply(E.SEAT_UNAVAILABLE, table.concat(sold, ',')) end
local live = math.max(order.expires, NOW + tonumber(ARGV[4]))
reclaim(KEYS[1], seats, order.id, order.id .. '|' .. us(live))
redis.call('HSET', KEYS[6], 'paying', us(NOW), 'live', us(live))
redis.call('PEXPIRE', KEYS[6],
           redis.call('PTTL', KEYS[6]) + math.floor((live - order.expires) / 1000))
settle(KEYS[4], order.id, #seats, live, {})
settle(KEYS[5], order.id, #seats, live, {})
processed(KEYS[3], redis.call('HGET', KEYS[6], 'tiers'))
return reply('OK', '', KEYS[6])
"""
)

# KEYS: claims, versions, stats, user counter, client counter, order, released seats
# ARGV: clock, order id, seats, show keys ttl ms
SALE_RECORD = (
    PRELUDE
    + """
local sold = ARGV[2] .. '|0'
local newly = {}
for _, seat in ipairs(split(ARGV[3])) do
  if redis.call('HGET', KEYS[1], seat) ~= sold and redis.call('SISMEMBER', KEYS[7], seat) == 0 then
    newly[#newly + 1] = seat
  end
end
claim(KEYS[1], KEYS[2], newly, sold)
if redis.call('EXISTS', KEYS[6]) == 1 then
  redis.call('HSET', KEYS[6], 'status', 'CONFIRMED')
end
redis.call('HDEL', KEYS[4], ARGV[2])
redis.call('HDEL', KEYS[5], ARGV[2])
touch(ARGV[4], KEYS[1], KEYS[2])
return reply('OK', '')
"""
)

# KEYS: claims, versions, released seats of the sale. ARGV: clock, order id, seats, ttl.
# The sale's claims on the seats go (others' claims stay); the seats are remembered as
# released, so a late SALE_RECORD of the same sale does not claim them again.
SALE_RELEASE = (
    PRELUDE
    + """
local seats = split(ARGV[3])
redis.call('SADD', KEYS[3], unpack(seats))
release(KEYS[1], KEYS[2], seats, ARGV[2])
touch(ARGV[4], KEYS[1], KEYS[2], KEYS[3])
return reply('OK', '')
"""
)

# KEYS: records of one show. Replies {now, {fields}, {fields}, ...} (empty: missing).
RECORDS_READ = (
    PRELUDE
    + """
local out = {us(NOW)}
for i, key in ipairs(KEYS) do out[i + 1] = redis.call('HGETALL', key) end
return out
"""
)

# KEYS: claims, versions. Replies {now, show version, {seat, claim, ...}}.
CLAIMS_READ = (
    PRELUDE
    + """
return {us(NOW), redis.call('HGET', KEYS[2], '*') or '0', redis.call('HGETALL', KEYS[1])}
"""
)

# KEYS: claims. ARGV: clock, seat... Replies the seats among them that are claimed now.
SEATS_CLAIMED = (
    PRELUDE
    + """
local claimed = {}
local values = redis.call('HMGET', KEYS[1], unpack(ARGV, 2))
for i, value in ipairs(values) do
  if claim_live(value) then claimed[#claimed + 1] = ARGV[i + 1] end
end
return claimed
"""
)

# KEYS: claims. Forgets claims that ended (sales stay); replies how many.
CLAIMS_PURGE = (
    PRELUDE
    + """
local removed = 0
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do
  local until_ = claim_until(entries[i + 1])
  if until_ ~= 0 and until_ <= NOW then
    redis.call('HDEL', KEYS[1], entries[i])
    removed = removed + 1
  end
end
return removed
"""
)

SCRIPTS = {
    "HOLD_CREATE": HOLD_CREATE,
    "HOLD_CHANGE": HOLD_CHANGE,
    "HOLD_RELEASE": HOLD_RELEASE,
    "ORDER_CREATE": ORDER_CREATE,
    "ORDER_CANCEL": ORDER_CANCEL,
    "ORDER_PAYMENT_START": ORDER_PAYMENT_START,
    "ORDER_PAYMENT_FAIL": ORDER_PAYMENT_FAIL,
    "SALE_RECORD": SALE_RECORD,
    "SALE_RELEASE": SALE_RELEASE,
    "RECORDS_READ": RECORDS_READ,
    "CLAIMS_READ": CLAIMS_READ,
    "SEATS_CLAIMED": SEATS_CLAIMED,
    "CLAIMS_PURGE": CLAIMS_PURGE,
}
