"""Server-side scripts of the Redis booking store: one script per operation, all or nothing.

Every script works on the keys of one show (they share the ``{show:<id>}`` hash tag, so a
Redis Cluster keeps them on one slot). Conventions:

- ``ARGV[1]`` is ``now`` and ``ARGV[2]`` the time the request was queued, both in
  microseconds since the epoch; ``ARGV[3]`` the number of queue keys, which come last in
  ``KEYS``. Times stored in records are microseconds too.
- A claim (``claims`` hash, seat -> value) is ``<owner>|<user id>|<expires>``, where the
  owner is ``hold:<id>`` or ``order:<id>`` and ``expires`` 0 means sold.
- Hold and order records are hashes: ``data`` (JSON that never changes), ``status``,
  ``seats`` (comma-separated), ``expires``, ``user``, and more per kind.
- A script returns ``{"OK"}`` (followed by the record's fields and values when it changed
  an existing record) or ``{"ERR", code, detail}``; it writes nothing unless it
  returns OK (queue statistics aside).
"""

PRELUDE = """
local now = tonumber(ARGV[1])
local queued_at = tonumber(ARGV[2])
local queue_count = tonumber(ARGV[3])
local QUEUE_TTL_MS = 691200000  -- 8 days, as every key of a show

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

local function claim_live(value)
  if not value then return false end
  local expires = tonumber(string.match(value, '([^|]*)$'))
  return expires == 0 or expires > now
end

local function claim_owner(value)
  if not value then return nil end
  return string.match(value, '^([^|]*)')
end

local function effective(status, expires, active)
  if status == active and tonumber(expires) <= now then return 'EXPIRED' end
  return status
end

-- Seats the user holds or has in pending orders of this show; forgets ended owners.
local function user_seat_count(user_key, key_prefix)
  local count = 0
  for _, owner in ipairs(redis.call('SMEMBERS', user_key)) do
    local record = redis.call('HMGET', key_prefix .. owner, 'status', 'expires', 'seats')
    local status, expires = record[1], record[2]
    if status and (status == 'HELD' or status == 'PAYMENT_PENDING')
        and tonumber(expires) > now then
      count = count + #split(record[3])
    else
      redis.call('SREM', user_key, owner)
    end
  end
  return count
end

local function conflicts_among(claims_key, versions_key, seats, unavailable, expected)
  local claims = redis.call('HMGET', claims_key, unpack(seats))
  local versions = redis.call('HMGET', versions_key, unpack(seats))
  local conflicts = {}
  for i, seat in ipairs(seats) do
    if unavailable[seat] or claim_live(claims[i])
        or (expected and (tonumber(versions[i]) or 0) ~= (expected[seat] or 0)) then
      conflicts[#conflicts + 1] = seat
    end
  end
  return conflicts
end

local function claim(claims_key, versions_key, seats, value)
  for _, seat in ipairs(seats) do
    redis.call('HSET', claims_key, seat, value)
    redis.call('HINCRBY', versions_key, seat, 1)
  end
end

local function release(claims_key, versions_key, seats, owner)
  for _, seat in ipairs(seats) do
    if claim_owner(redis.call('HGET', claims_key, seat)) == owner then
      redis.call('HDEL', claims_key, seat)
      redis.call('HINCRBY', versions_key, seat, 1)
    end
  end
end

local function touch(ttl_ms, ...)
  for _, key in ipairs({...}) do redis.call('PEXPIRE', key, ttl_ms) end
end

-- Close this request's turn in its queues: it waited from queued_at until now (server
-- clock), and it was processed, or rejected when ok is false.
local function queue_done(ok)
  local time = redis.call('TIME')
  local waited = tonumber(time[1]) * 1000000 + tonumber(time[2]) - queued_at
  if waited < 0 then waited = 0 end
  for i = #KEYS - queue_count + 1, #KEYS do
    redis.call('HINCRBY', KEYS[i], 'waiting', -1)
    redis.call('PEXPIRE', KEYS[i], QUEUE_TTL_MS)
    redis.call('HINCRBY', KEYS[i], 'processed', 1)
    if not ok then redis.call('HINCRBY', KEYS[i], 'rejected', 1) end
    if waited > (tonumber(redis.call('HGET', KEYS[i], 'longest_wait_us')) or 0) then
      redis.call('HSET', KEYS[i], 'longest_wait_us', waited)
    end
  end
end

local function fail(code, detail)
  queue_done(false)
  return {'ERR', code, detail or ''}
end

-- A hold or order record (status, expires, seats, user) whose effective status is
-- `active`; otherwise nil and the error reply to return.
local function active_record(key, active, not_found, not_active)
  local record = redis.call('HMGET', key, 'status', 'expires', 'seats', 'user')
  if not record[1] then return nil, fail(not_found) end
  local status = effective(record[1], record[2], active)
  if status ~= active then return nil, fail(not_active, status) end
  return record
end
"""

# KEYS: claims, versions, user set, hold record, queues...
# ARGV: now, queued_at, queue count, hold id, user id, seats, unavailable seats, seat limit,
#       expires, data, amount, expected versions ("A1=2,A2=0" or ""), record ttl ms,
#       show ttl ms, key prefix of this show
HOLD_CREATE = (
    PRELUDE
    + """
if redis.call('EXISTS', KEYS[4]) == 1 then return fail('DUPLICATE') end
local seats = split(ARGV[6])
local expected = nil
if ARGV[12] ~= '' then
  expected = {}
  for _, pair in ipairs(split(ARGV[12])) do
    local seat, version = string.match(pair, '([^=]+)=(%d+)')
    expected[seat] = tonumber(version)
  end
end
local conflicts = conflicts_among(KEYS[1], KEYS[2], seats, set_of(split(ARGV[7])), expected)
if #conflicts > 0 then return fail('SEAT_UNAVAILABLE', table.concat(conflicts, ',')) end
if user_seat_count(KEYS[3], ARGV[15]) + #seats > tonumber(ARGV[8]) then
  return fail('SEAT_LIMIT', ARGV[8])
end
local owner = 'hold:' .. ARGV[4]
claim(KEYS[1], KEYS[2], seats, owner .. '|' .. ARGV[5] .. '|' .. ARGV[9])
redis.call('HSET', KEYS[4], 'data', ARGV[10], 'status', 'HELD', 'seats', ARGV[6],
           'expires', ARGV[9], 'user', ARGV[5], 'amount', ARGV[11])
redis.call('PEXPIRE', KEYS[4], ARGV[13])
redis.call('SADD', KEYS[3], owner)
touch(ARGV[14], KEYS[1], KEYS[2], KEYS[3])
queue_done(true)
return {'OK'}
"""
)

# KEYS: claims, versions, hold record, queues...
# ARGV: now, queued_at, queue count, hold id, new seats, unavailable seats, seat limit,
#       amount, show ttl ms, key prefix of this show
HOLD_CHANGE = (
    PRELUDE
    + """
local record, err = active_record(KEYS[3], 'HELD', 'HOLD_NOT_FOUND', 'HOLD_NOT_ACTIVE')
if not record then return err end
local user_key = ARGV[10] .. 'user:' .. record[4]  -- same show, same hash slot
local old, new = split(record[3]), split(ARGV[5])
local old_set, new_set = set_of(old), set_of(new)
local added, removed = {}, {}
for _, seat in ipairs(new) do if not old_set[seat] then added[#added + 1] = seat end end
for _, seat in ipairs(old) do if not new_set[seat] then removed[#removed + 1] = seat end end
if #added > 0 then
  local conflicts = conflicts_among(KEYS[1], KEYS[2], added, set_of(split(ARGV[6])), nil)
  if #conflicts > 0 then return fail('SEAT_UNAVAILABLE', table.concat(conflicts, ',')) end
end
if user_seat_count(user_key, ARGV[10]) - #old + #new > tonumber(ARGV[7]) then
  return fail('SEAT_LIMIT', ARGV[7])
end
local owner = 'hold:' .. ARGV[4]
release(KEYS[1], KEYS[2], removed, owner)
claim(KEYS[1], KEYS[2], added, owner .. '|' .. record[4] .. '|' .. record[2])
redis.call('HSET', KEYS[3], 'seats', ARGV[5], 'amount', ARGV[8])
touch(ARGV[9], KEYS[1], KEYS[2])
queue_done(true)
return {'OK', unpack(redis.call('HGETALL', KEYS[3]))}
"""
)

# Ends an active hold (RELEASED) or pending order (CANCELLED) and frees its seats.
# KEYS: claims, versions, record, queues...
# ARGV: now, queued_at, queue count, owner ("hold:<id>" or "order:<id>"), active status,
#       ended status, error when missing, error when not active
RECORD_END = (
    PRELUDE
    + """
local record, err = active_record(KEYS[3], ARGV[5], ARGV[7], ARGV[8])
if not record then return err end
release(KEYS[1], KEYS[2], split(record[3]), ARGV[4])
redis.call('HSET', KEYS[3], 'status', ARGV[6])
queue_done(true)
return {'OK', unpack(redis.call('HGETALL', KEYS[3]))}
"""
)

# KEYS: claims, versions, user set, hold record, order record, queues...
# ARGV: now, queued_at, queue count, hold id, order id, user id, seats the order expects,
#       expires, data, record ttl ms, show ttl ms
ORDER_CREATE = (
    PRELUDE
    + """
local record, err = active_record(KEYS[4], 'HELD', 'HOLD_NOT_FOUND', 'HOLD_NOT_ACTIVE')
if not record then return err end
if record[3] ~= ARGV[7] then return fail('HOLD_CHANGED') end
local owner = 'order:' .. ARGV[5]
claim(KEYS[1], KEYS[2], split(record[3]), owner .. '|' .. ARGV[6] .. '|' .. ARGV[8])
redis.call('HSET', KEYS[4], 'status', 'CONVERTED')
redis.call('HSET', KEYS[5], 'data', ARGV[9], 'status', 'PAYMENT_PENDING', 'seats', record[3],
           'expires', ARGV[8], 'user', ARGV[6])
redis.call('PEXPIRE', KEYS[5], ARGV[10])
redis.call('SREM', KEYS[3], 'hold:' .. ARGV[4])
redis.call('SADD', KEYS[3], owner)
touch(ARGV[11], KEYS[1], KEYS[2], KEYS[3])
queue_done(true)
return {'OK'}
"""
)

# KEYS: claims, versions, order record, queues...
# ARGV: now, queued_at, queue count, order id, ticket code, idempotency key, show ttl ms
ORDER_CONFIRM = (
    PRELUDE
    + """
local record, err = active_record(KEYS[3], 'PAYMENT_PENDING', 'ORDER_NOT_FOUND',
                                  'ORDER_NOT_PENDING')
if not record then return err end
claim(KEYS[1], KEYS[2], split(record[3]), 'order:' .. ARGV[4] .. '|' .. record[4] .. '|0')
redis.call('HSET', KEYS[3], 'status', 'CONFIRMED', 'ticket', ARGV[5], 'idempotency_key',
           ARGV[6], 'confirmed', ARGV[1])
touch(ARGV[7], KEYS[1], KEYS[2])
queue_done(true)
return {'OK', unpack(redis.call('HGETALL', KEYS[3]))}
"""
)

# KEYS: claims. ARGV: now. Forgets expired claims (sold ones stay); returns how many.
CLAIMS_PURGE = """
local now = tonumber(ARGV[1])
local removed = 0
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do
  local expires = tonumber(string.match(entries[i + 1], '([^|]*)$'))
  if expires ~= 0 and expires <= now then
    redis.call('HDEL', KEYS[1], entries[i])
    removed = removed + 1
  end
end
return removed
"""
