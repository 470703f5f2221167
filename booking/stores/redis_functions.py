"""The Redis booking store's server-side steps: one Redis Function per operation, all or
nothing, in one library loaded once per server (``FUNCTION LOAD``).

Conventions:

- Every key a function touches is passed in ``KEYS`` and belongs to one show (one
  cluster slot), except the optional index keys that follow on a single server (see
  ``redis_keys``). A show's writes pass ``claims, versions, counts`` first, then the
  records they act on.
- ``ARGV[1]`` is the clock: empty means the server's own ``TIME``, the one clock all app
  servers share; tests pass microseconds to control time. Every instant is in
  microseconds since the epoch, and every decision about time is made here.
  ``ARGV[2]`` and ``ARGV[3]`` are the user and the client address the step counts for
  (the record's owner); a function's own arguments follow.
- A function first checks, then writes: a refusal returns before the first write, so a
  refused operation leaves Redis exactly as it was.
- Writes are batched: one ``HSET`` per hash, so a hold of four seats costs about a dozen
  commands, however many seats it claims.
- The reply is ``{code, now, detail, fields}``: ``code`` is ``OK`` or one of the API's
  error codes (``booking.errors.STORE_CODES``), ``fields`` the record after the step.

The library's name carries a digest of its code, so servers running different versions
of the project side by side each find their own functions.
"""

import hashlib

from booking.errors import STORE_CODES
from booking.stores.redis_keys import TOUCHED

# A show's keys outlive its last write by the store's show-keys TTL; a hold refreshes
# them (and the show's place in the index of shows) at most this often.
TOUCH_EVERY_US = 3_600_000_000

_LIBRARY = (
    "local E = {"
    + ", ".join(f"{code} = '{code}'" for code in STORE_CODES)
    + "}\n"
    + f"local TOUCH_EVERY = {TOUCH_EVERY_US}\n"
    + f"local TOUCHED = '{TOUCHED}'\n"
    + """
local NOW

-- Reads the clock argument: empty is the server's TIME.
local function start(args)
  if args[1] ~= '' then
    NOW = tonumber(args[1])
  else
    local time = redis.call('TIME')
    NOW = tonumber(time[1]) * 1000000 + tonumber(time[2])
  end
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

local function pairs_of(names, value_of)
  local flat = {}
  for _, name in ipairs(names) do
    flat[#flat + 1] = name
    flat[#flat + 1] = value_of(name)
  end
  return flat
end

-- claims: seat -> "<owner id>|<until>" (until 0: a recorded sale), and the field
-- TOUCHED, when the show's keys last had their lifetime renewed (it also keeps the hash
-- alive when no seat is claimed, so the hash never loses its lifetime).

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

-- Seats among `seats` (whose claims are `values`) unavailable, or claimed by anyone but
-- `owner`.
local function conflicts(seats, values, unavailable, owner)
  local found = {}
  for i, seat in ipairs(seats) do
    if unavailable[seat] or (claim_live(values[i]) and claim_owner(values[i]) ~= owner) then
      found[#found + 1] = seat
    end
  end
  return found
end

-- The seats among `seats` whose claim belongs to `owner`.
local function owned(claims_key, seats, owner)
  local mine = {}
  if #seats == 0 then return mine end
  local values = redis.call('HMGET', claims_key, unpack(seats))
  for i, seat in ipairs(seats) do
    if claim_owner(values[i]) == owner then mine[#mine + 1] = seat end
  end
  return mine
end

local function claim(claims_key, seats, value)
  if #seats > 0 then
    redis.call('HSET', claims_key, unpack(pairs_of(seats, function() return value end)))
  end
end

-- counts: '*' the show's version, which counts every change of a seat's claim;
-- 'q:<tier>' requests processed per tier (the show's booking queues); 'u:<user id>' and
-- 'c:<client address>' the live claims of one user and of one client address, as
-- "<owner id>:<seats>:<until>" entries joined by ';'.
local function entries_read(text, owner)
  local total, kept = 0, {}
  if text then
    for id, seats, until_ in string.gmatch(text, '([^:;]+):(%d+):(%d+)') do
      if tonumber(until_) > NOW and id ~= owner then
        total = total + tonumber(seats)
        kept[#kept + 1] = id .. ':' .. seats .. ':' .. until_
      end
    end
  end
  return total, kept
end

-- The show's counts as far as one step needs them: its version, and the entries of the
-- acting user and client address (`owner`'s own left out; those ended dropped).
local function counts_read(key, args, owner, tiers)
  local fields = {'*', 'u:' .. args[2], 'c:' .. args[3]}
  for tier in pairs(set_of(split(tiers))) do fields[#fields + 1] = 'q:' .. tier end
  local values = redis.call('HMGET', key, unpack(fields))
  local counts = {key = key, fields = fields, values = values,
                  version = tonumber(values[1] or '0')}
  counts.user_seats, counts.user = entries_read(values[2], owner)
  counts.client_seats, counts.client = entries_read(values[3], owner)
  return counts
end

-- Writes the counts back: the version, one more request processed per tier read, and
-- `owner`'s entry (none for 0 seats) beside the others kept.
local function counts_write(counts, owner, seats, until_)
  if seats > 0 then
    local entry = owner .. ':' .. seats .. ':' .. us(until_)
    counts.user[#counts.user + 1] = entry
    counts.client[#counts.client + 1] = entry
  end
  local set, gone = {'*', us(counts.version)}, {}
  for i, entries in ipairs({counts.user, counts.client}) do
    if #entries > 0 then
      set[#set + 1] = counts.fields[i + 1]
      set[#set + 1] = table.concat(entries, ';')
    else
      gone[#gone + 1] = counts.fields[i + 1]
    end
  end
  for i = 4, #counts.fields do
    set[#set + 1] = counts.fields[i]
    set[#set + 1] = tonumber(counts.values[i] or '0') + 1
  end
  redis.call('HSET', counts.key, unpack(set))
  if #gone > 0 then redis.call('HDEL', counts.key, unpack(gone)) end
end

-- Every seat whose claim changed gets the show's version after the change.
local function bump(versions_key, counts, seats)
  if #seats == 0 then return end
  counts.version = counts.version + #seats
  local version = us(counts.version)
  redis.call('HSET', versions_key, unpack(pairs_of(seats, function() return version end)))
end

local function release(keys, counts, seats, owner)
  local mine = owned(keys[1], seats, owner)
  if #mine > 0 then redis.call('HDEL', keys[1], unpack(mine)) end
  bump(keys[2], counts, mine)
end

-- The record's fields we decide on, if it is `active` (judged now) and the acting user
-- (empty: staff) owns it; otherwise nil and the refusal to return.
local function active_record(key, active, not_found, not_active, user)
  local r = redis.call('HMGET', key, 'id', 'status', 'live', 'user', 'seats', 'expires',
                       'paying', 'close', 'tiers', 'client')
  if not r[2] then return nil, reply(not_found) end
  local record = {id = r[1], status = r[2], live = tonumber(r[3]), user = r[4],
                  seats = r[5], expires = tonumber(r[6]), paying = r[7], close = r[8],
                  tiers = r[9], client = r[10]}
  if user ~= '' and record.user ~= user then return nil, reply(E.FORBIDDEN) end
  local status = record.status
  if status == active and record.live <= NOW then status = 'EXPIRED' end
  if status ~= active then return nil, reply(not_active, status) end
  return record
end

-- On a single server the caller passes the index keys after the show's: a pointer to
-- the record (its show, user and client address), the index of all such records, the
-- user's index, and the index of shows (written when `show_listed`).
-- One write in 16 (by the record id's last digit) drops index entries a retention after
-- their records expired, so the sweeper (which deletes records a retention after they
-- ended) finds every record first. The same steps are redis.RedisBookingStore._index_after.
local function index(keys, first, args, show_id, record_id, ends, retention, keys_ttl,
                     show_listed)
  if #keys < first then return end
  local pointer = show_id .. '|' .. args[2] .. '|' .. args[3]
  local member = show_id .. '|' .. record_id
  redis.call('SET', keys[first], pointer, 'PX', math.floor((ends - NOW + retention) / 1000))
  redis.call('ZADD', keys[first + 1], us(ends), member)
  redis.call('ZADD', keys[first + 2], us(ends), member)
  redis.call('PEXPIRE', keys[first + 2], keys_ttl)
  if show_listed then redis.call('ZADD', keys[first + 3], us(NOW), show_id) end
  if string.sub(member, -1) == '0' then
    for i = first + 1, first + 2 do
      redis.call('ZREMRANGEBYSCORE', keys[i], '-inf', '(' .. us(NOW - 2 * retention))
    end
  end
end

local function touch(keys, ttl_ms)
  for i = 1, 3 do redis.call('PEXPIRE', keys[i], ttl_ms) end
end

-- KEYS: claims, versions, counts, hold [, pointer, holds, user's holds, shows]
-- ARGV: clock, user, client, hold id, seats, tiers, unavailable, user limit, client
--       limit, ttl, sales close, show keys ttl ms, retention, show id, amount,
--       fingerprint
-- Replies its expiry as the detail (the caller knows the rest), or the existing record.
local function hold_create(KEYS, ARGV)
  start(ARGV)
  local hold_id, close = ARGV[4], tonumber(ARGV[11])
  if redis.call('EXISTS', KEYS[4]) == 1 then return reply(E.DUPLICATE_REQUEST, '', KEYS[4]) end
  if NOW >= close then return reply(E.SALES_CLOSED) end
  local seats = split(ARGV[5])
  local values = redis.call('HMGET', KEYS[1], TOUCHED, unpack(seats))
  local touched = tonumber(table.remove(values, 1) or '0')
  local found = conflicts(seats, values, set_of(split(ARGV[7])), hold_id)
  if #found > 0 then return reply(E.SEAT_UNAVAILABLE, table.concat(found, ',')) end
  local counts = counts_read(KEYS[3], ARGV, hold_id, ARGV[6])
  if counts.user_seats + #seats > tonumber(ARGV[8]) then
    return reply(E.SEAT_LIMIT_REACHED, 'user:' .. ARGV[8])
  end
  if counts.client_seats + #seats > tonumber(ARGV[9]) then
    return reply(E.SEAT_LIMIT_REACHED, 'client:' .. ARGV[9])
  end
  local expires = math.min(NOW + tonumber(ARGV[10]), close)
  local renew = NOW - touched >= TOUCH_EVERY
  local claims = pairs_of(seats, function() return hold_id .. '|' .. us(expires) end)
  if renew then
    claims[#claims + 1] = TOUCHED
    claims[#claims + 1] = us(NOW)
  end
  redis.call('HSET', KEYS[1], unpack(claims))
  bump(KEYS[2], counts, seats)
  counts_write(counts, hold_id, #seats, expires)
  redis.call('HSET', KEYS[4], 'id', hold_id, 'user', ARGV[2], 'client', ARGV[3],
             'show', ARGV[14], 'seats', ARGV[5], 'tiers', ARGV[6], 'amount', ARGV[15],
             'fp', ARGV[16], 'status', 'HELD', 'created', us(NOW), 'expires', us(expires),
             'live', us(expires))
  redis.call('PEXPIRE', KEYS[4], math.floor((expires - NOW + tonumber(ARGV[13])) / 1000))
  if renew then touch(KEYS, ARGV[12]) end
  index(KEYS, 5, ARGV, ARGV[14], hold_id, expires, tonumber(ARGV[13]), ARGV[12], renew)
  return reply('OK', us(expires))
end

-- KEYS: claims, versions, counts, hold
-- ARGV: clock, user, client, acting user, seats, tiers, amount,
--       unavailable, user limit, client limit, sales close
local function hold_change(KEYS, ARGV)
  start(ARGV)
  local hold, refusal = active_record(KEYS[4], 'HELD', E.HOLD_NOT_FOUND, E.HOLD_NOT_ACTIVE,
                                      ARGV[4])
  if not hold then return refusal end
  if NOW >= tonumber(ARGV[11]) then return reply(E.SALES_CLOSED) end
  local old, new = split(hold.seats), split(ARGV[5])
  local found = conflicts(new, redis.call('HMGET', KEYS[1], unpack(new)),
                          set_of(split(ARGV[8])), hold.id)
  if #found > 0 then return reply(E.SEAT_UNAVAILABLE, table.concat(found, ',')) end
  local counts = counts_read(KEYS[3], ARGV, hold.id, ARGV[6])
  if counts.user_seats + #new > tonumber(ARGV[9]) then
    return reply(E.SEAT_LIMIT_REACHED, 'user:' .. ARGV[9])
  end
  if counts.client_seats + #new > tonumber(ARGV[10]) then
    return reply(E.SEAT_LIMIT_REACHED, 'client:' .. ARGV[10])
  end
  local old_set, new_set = set_of(old), set_of(new)
  local added, removed = {}, {}
  for _, seat in ipairs(new) do if not old_set[seat] then added[#added + 1] = seat end end
  for _, seat in ipairs(old) do if not new_set[seat] then removed[#removed + 1] = seat end end
  release(KEYS, counts, removed, hold.id)
  claim(KEYS[1], added, hold.id .. '|' .. us(hold.live))
  bump(KEYS[2], counts, added)
  counts_write(counts, hold.id, #new, hold.live)
  redis.call('HSET', KEYS[4], 'seats', ARGV[5], 'tiers', ARGV[6], 'amount', ARGV[7])
  return reply('OK', '', KEYS[4])
end

-- Ends a record and frees its seats.
local function finish(KEYS, ARGV, record)
  local counts = counts_read(KEYS[3], ARGV, record.id, record.tiers)
  release(KEYS, counts, split(record.seats), record.id)
  counts_write(counts, record.id, 0, 0)
  redis.call('HSET', KEYS[4], 'status', ARGV[5])
  return reply('OK', '', KEYS[4])
end

-- KEYS: claims, versions, counts, hold
-- ARGV: clock, user, client, acting user (empty: staff), 'RELEASED'
local function hold_release(KEYS, ARGV)
  start(ARGV)
  local record, refusal = active_record(KEYS[4], 'HELD', E.HOLD_NOT_FOUND,
                                        E.HOLD_NOT_ACTIVE, ARGV[4])
  if not record then return refusal end
  return finish(KEYS, ARGV, record)
end

-- KEYS: claims, versions, counts, order
-- ARGV: clock, user, client, acting user (empty: staff), 'CANCELLED'
local function order_cancel(KEYS, ARGV)
  start(ARGV)
  local record, refusal = active_record(KEYS[4], 'PAYMENT_PENDING', E.ORDER_NOT_FOUND,
                                        E.ORDER_NOT_PENDING, ARGV[4])
  if not record then return refusal end
  if record.paying ~= '' then return reply(E.PAYMENT_IN_PROGRESS) end
  return finish(KEYS, ARGV, record)
end

-- KEYS: claims, versions, counts, order
-- ARGV: clock, user, client, '' (any owner), 'CANCELLED'
local function order_payment_fail(KEYS, ARGV)
  start(ARGV)
  local r = redis.call('HMGET', KEYS[4], 'id', 'status', 'seats', 'tiers')
  if not r[2] then return reply(E.ORDER_NOT_FOUND) end
  if r[2] == 'CONFIRMED' then return reply(E.ORDER_NOT_PENDING, r[2]) end
  return finish(KEYS, ARGV, {id = r[1], seats = r[3], tiers = r[4]})
end

-- KEYS: claims, versions, counts, hold, order [, pointer, orders, user's orders, shows]
-- ARGV: clock, user, client, acting user, seats the caller expects, unavailable, ttl,
--       sales close, show keys ttl ms, retention, show id, order id, fields...
local function order_create(KEYS, ARGV)
  start(ARGV)
  if redis.call('EXISTS', KEYS[5]) == 1 then return reply(E.DUPLICATE_REQUEST, '', KEYS[5]) end
  local hold, refusal = active_record(KEYS[4], 'HELD', E.HOLD_NOT_FOUND, E.HOLD_NOT_ACTIVE,
                                      ARGV[4])
  if not hold then return refusal end
  if hold.seats ~= ARGV[5] then return reply(E.HOLD_CHANGED) end
  local close = tonumber(ARGV[8])
  if NOW >= close then return reply(E.SALES_CLOSED) end
  local seats = split(hold.seats)
  local found = conflicts(seats, redis.call('HMGET', KEYS[1], unpack(seats)),
                          set_of(split(ARGV[6])), hold.id)
  if #found > 0 then return reply(E.SEAT_UNAVAILABLE, table.concat(found, ',')) end
  local order_id = ARGV[12]
  local expires = math.min(NOW + tonumber(ARGV[7]), close)
  -- The order takes over the hold's claims, and its place in the counts.
  claim(KEYS[1], seats, order_id .. '|' .. us(expires))
  local counts = counts_read(KEYS[3], ARGV, hold.id, hold.tiers)
  counts_write(counts, order_id, #seats, expires)
  redis.call('HSET', KEYS[4], 'status', 'CONVERTED', 'order', order_id)
  redis.call('HSET', KEYS[5], 'status', 'PAYMENT_PENDING', 'created', us(NOW),
             'expires', us(expires), 'live', us(expires), 'paying', '', 'close', ARGV[8],
             'seats', hold.seats, 'tiers', hold.tiers, 'user', hold.user,
             'client', hold.client, unpack(ARGV, 13))
  redis.call('PEXPIRE', KEYS[5], math.floor((expires - NOW + tonumber(ARGV[10])) / 1000))
  index(KEYS, 6, ARGV, ARGV[11], order_id, expires, tonumber(ARGV[10]), ARGV[9], false)
  return reply('OK', '', KEYS[5])
end

-- KEYS: claims, versions, counts, order
-- ARGV: clock, user, client, acting user, unavailable, grace
local function order_payment_start(KEYS, ARGV)
  start(ARGV)
  local order, refusal = active_record(KEYS[4], 'PAYMENT_PENDING', E.ORDER_NOT_FOUND,
                                       E.ORDER_NOT_PENDING, ARGV[4])
  if not order then return refusal end
  if order.paying ~= '' then return reply('OK', '', KEYS[4]) end
  if NOW >= tonumber(order.close) then return reply(E.SALES_CLOSED) end
  local seats = split(order.seats)
  local unavailable = set_of(split(ARGV[5]))
  local sold = {}
  for _, seat in ipairs(seats) do if unavailable[seat] then sold[#sold + 1] = seat end end
  if #sold > 0 then return reply(E.SEAT_UNAVAILABLE, table.concat(sold, ',')) end
  local live = math.max(order.expires, NOW + tonumber(ARGV[6]))
  claim(KEYS[1], owned(KEYS[1], seats, order.id), order.id .. '|' .. us(live))
  redis.call('HSET', KEYS[4], 'paying', us(NOW), 'live', us(live))
  redis.call('PEXPIRE', KEYS[4],
             redis.call('PTTL', KEYS[4]) + math.floor((live - order.expires) / 1000))
  local counts = counts_read(KEYS[3], ARGV, order.id, order.tiers)
  counts_write(counts, order.id, #seats, live)
  return reply('OK', '', KEYS[4])
end

-- KEYS: claims, versions, counts, order, released seats of the sale
-- ARGV: clock, user, client, order id, seats, show keys ttl ms
-- Seats the sale gave back (sale_release) are not claimed again.
local function sale_record(KEYS, ARGV)
  start(ARGV)
  local sold = ARGV[4] .. '|0'
  local seats = split(ARGV[5])
  local values = redis.call('HMGET', KEYS[1], unpack(seats))
  local given_back = redis.call('SMISMEMBER', KEYS[5], unpack(seats))
  local newly = {}
  for i, seat in ipairs(seats) do
    if values[i] ~= sold and given_back[i] == 0 then newly[#newly + 1] = seat end
  end
  claim(KEYS[1], newly, sold)
  local counts = counts_read(KEYS[3], ARGV, ARGV[4], '')
  bump(KEYS[2], counts, newly)
  counts_write(counts, ARGV[4], 0, 0)
  if redis.call('EXISTS', KEYS[4]) == 1 then
    redis.call('HSET', KEYS[4], 'status', 'CONFIRMED')
  end
  touch(KEYS, ARGV[6])
  return reply('OK', '')
end

-- KEYS: claims, versions, counts, released seats of the sale
-- ARGV: clock, user, client, order id, seats, show keys ttl ms
-- A cancelled sale's claims on the seats go (others' claims stay), and the seats are
-- remembered as released, so a late sale_record of the same sale never claims them.
local function sale_release(KEYS, ARGV)
  start(ARGV)
  local seats = split(ARGV[5])
  redis.call('SADD', KEYS[4], unpack(seats))
  local counts = counts_read(KEYS[3], ARGV, ARGV[4], '')
  release(KEYS, counts, seats, ARGV[4])
  counts_write(counts, ARGV[4], 0, 0)
  touch(KEYS, ARGV[6])
  redis.call('PEXPIRE', KEYS[4], ARGV[6])
  return reply('OK', '')
end

-- KEYS: records of one show. Replies {now, {fields}, {fields}, ...} (empty: missing).
local function records_read(KEYS, ARGV)
  start(ARGV)
  local out = {us(NOW)}
  for i, key in ipairs(KEYS) do out[i + 1] = redis.call('HGETALL', key) end
  return out
end

-- KEYS: claims, counts. Replies {now, show version, {seat, claim, ...}} ('~' included).
local function claims_read(KEYS, ARGV)
  start(ARGV)
  return {us(NOW), redis.call('HGET', KEYS[2], '*') or '0', redis.call('HGETALL', KEYS[1])}
end

-- KEYS: claims. ARGV: clock, seat... Replies the seats among them that are claimed now.
local function seats_claimed(KEYS, ARGV)
  start(ARGV)
  local claimed = {}
  local values = redis.call('HMGET', KEYS[1], unpack(ARGV, 2))
  for i, value in ipairs(values) do
    if claim_live(value) then claimed[#claimed + 1] = ARGV[i + 1] end
  end
  return claimed
end

-- KEYS: claims. Forgets claims that ended (sales stay); replies how many.
local function claims_purge(KEYS, ARGV)
  start(ARGV)
  local removed = 0
  local entries = redis.call('HGETALL', KEYS[1])
  for i = 1, #entries, 2 do
    if entries[i] ~= TOUCHED then
      local until_ = claim_until(entries[i + 1])
      if until_ ~= 0 and until_ <= NOW then
        redis.call('HDEL', KEYS[1], entries[i])
        removed = removed + 1
      end
    end
  end
  return removed
end

"""
)

_STEPS = (
    "hold_create",
    "hold_change",
    "hold_release",
    "order_create",
    "order_cancel",
    "order_payment_start",
    "order_payment_fail",
    "sale_record",
    "sale_release",
    "records_read",
    "claims_read",
    "seats_claimed",
    "claims_purge",
)

LIBRARY_NAME = "bms_" + hashlib.sha1(_LIBRARY.encode()).hexdigest()[:12]

# Step name (as the store calls it) -> the function's name on the server.
FUNCTIONS = {step.upper(): f"{LIBRARY_NAME}_{step}" for step in _STEPS}

LIBRARY = (
    f"#!lua name={LIBRARY_NAME}\n"
    + _LIBRARY
    + "".join(f"redis.register_function('{FUNCTIONS[s.upper()]}', {s})\n" for s in _STEPS)
)
