-- sluice-counter-script.lua
-- Copyright 2026 The Sluice authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- One decision over every counter it touches, atomically.
-- KEYS[i]: a counter. A window is a hash (field per one-second bucket, plus
-- "t", the running total) and a list KEYS[i]..":q" of its non-empty
-- seconds, oldest first; a gauge (window 0) is an integer.
-- ARGV: op ("r" reserve | "a" adjust), now_s, at_s, then per key:
-- window_s, limit, amount.
-- Returns {1, total_1, ..., total_n} or, refused, {0, index0, used, retry_s}.

local op = ARGV[1]
local now = tonumber(ARGV[2])
local at = tonumber(ARGV[3])
local n = #KEYS
local totals = {}

local function arg(i, j)
  return tonumber(ARGV[3 + (i - 1) * 3 + j])
end

-- Drops the buckets that left the window; each is dropped once.
local function expire(k, win)
  local q = k .. ':q'
  local total = tonumber(redis.call('HGET', k, 't') or '0')
  local dropped = false
  while true do
    local head = redis.call('LINDEX', q, 0)
    if not head or tonumber(head) > now - win then break end
    total = total - tonumber(redis.call('HGET', k, head) or '0')
    redis.call('HDEL', k, head)
    redis.call('LPOP', q)
    dropped = true
  end
  if dropped then redis.call('HSET', k, 't', total) end
  return total
end

local function used(k, win)
  if win == 0 then return tonumber(redis.call('GET', k) or '0') end
  return expire(k, win)
end

local function add(k, win, amount, second)
  if win == 0 then
    local v = redis.call('INCRBY', k, amount)
    if v < 0 then redis.call('SET', k, 0) end
    redis.call('EXPIRE', k, 3600)
    return
  end
  local q = k .. ':q'
  local tail = redis.call('LINDEX', q, -1)
  local s = second
  if tail and tonumber(tail) >= s then
    s = tonumber(tail)
  else
    redis.call('RPUSH', q, s)
  end
  redis.call('HINCRBY', k, s, amount)
  redis.call('HINCRBY', k, 't', amount)
  redis.call('EXPIRE', k, win + 60)
  redis.call('EXPIRE', q, win + 60)
end

-- The earliest second with room: walk the oldest buckets (at most 256).
local function retry_at(k, win, total, amount, limit)
  if win == 0 or amount > limit then return -1 end
  local need = total + amount - limit
  local freed = 0
  local last = -1
  for _, s in ipairs(redis.call('LRANGE', k .. ':q', 0, 255)) do
    freed = freed + tonumber(redis.call('HGET', k, s) or '0')
    last = tonumber(s) + win
    if freed >= need then break end
  end
  return last
end

if op == 'r' then
  for i = 1, n do
    local win, limit, amount = arg(i, 1), arg(i, 2), arg(i, 3)
    totals[i] = used(KEYS[i], win)
    if limit > 0 and amount > 0 and totals[i] + amount > limit then
      return {0, i - 1, totals[i], retry_at(KEYS[i], win, totals[i], amount, limit)}
    end
  end
  for i = 1, n do
    local win, amount = arg(i, 1), arg(i, 3)
    if amount ~= 0 then
      add(KEYS[i], win, amount, now)
      totals[i] = totals[i] + amount
    end
  end
else
  for i = 1, n do
    local k, win, amount = KEYS[i], arg(i, 1), arg(i, 3)
    totals[i] = used(k, win)
    if amount ~= 0 then
      if win == 0 then
        add(k, win, amount, now)
      elseif at > now - win and redis.call('HEXISTS', k, at) == 1 then
        local bucket = tonumber(redis.call('HGET', k, at))
        local delta = math.max(amount, -bucket)
        redis.call('HINCRBY', k, at, delta)
        redis.call('HINCRBY', k, 't', delta)
      elseif amount > 0 then
        add(k, win, amount, now)
      end
      totals[i] = used(k, win)
    end
  end
end

local reply = {1}
for i = 1, n do reply[i + 1] = totals[i] end
return reply
